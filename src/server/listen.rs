//! Listening: the socket, the limits on a connection, and a clean stop.
//!
//! Each connection is served by hyper's HTTP/1 with a limit on how long
//! its headers may take to arrive (a client that sends a byte a minute is
//! dropped). SIGTERM or Ctrl-C stops accepting, lets the requests in
//! flight finish (within a grace period), and closes the database, so
//! everything acknowledged is on disk.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

use super::auth::Policy;
use super::metrics::Metrics;
use super::routes::{router, App};
use crate::db::door::Door;
use crate::db::Db;
use crate::error::{Error, Result};

/// How `claimdb serve` listens and what it allows.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen (loopback `127.0.0.1:7878` by default).
    pub listen: SocketAddr,
    /// Anonymous requests may read.
    pub public_read: bool,
    /// The largest request body, in bytes (an import is one body).
    pub max_body_bytes: usize,
    /// How long one statement may run before it is stopped.
    pub statement_time_limit: Option<Duration>,
    /// How many requests run at once; more are refused with 429.
    pub max_concurrent: usize,
    /// How long a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// How long requests in flight may take to finish once a stop is asked.
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 7878)),
            public_read: false,
            max_body_bytes: 64 << 20,
            statement_time_limit: Some(Duration::from_secs(30)),
            max_concurrent: 64,
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Serves `db` until SIGTERM or Ctrl-C; `ready` is told the address once
/// the socket listens (port 0 picks a free one). Refuses to listen beyond
/// loopback while the database holds no token. Leaves a door in the
/// database's folder, so that another `claimdb` on this machine runs
/// through this server instead of waiting for the lock.
pub fn serve(db: Db, options: ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    if !options.listen.ip().is_loopback() && db.tokens()?.is_empty() {
        return Err(Error::invalid(
            "listen address",
            format!(
                "{} is reachable from other machines, and the database has no token: make one first (claimdb token create --name NAME --role admin), or listen on 127.0.0.1",
                options.listen
            ),
        ));
    }
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(false)
        .try_init();
    let secret = crate::db::new_secret()?;
    let folder = db.path();
    let policy = Policy {
        public_read: options.public_read,
        // Decided once: a server on another address stays closed even if
        // every token is revoked while it runs.
        open_on_loopback: options.listen.ip().is_loopback(),
        door_secret: Some(secret.clone()),
    };
    let db = Arc::new(db);
    let ip = options.listen.ip();
    let result = run(db, &options, policy, std::future::pending(), |address| {
        // Only a door on loopback: one on another address is no door.
        if !folder.as_os_str().is_empty() && (ip.is_loopback() || ip.is_unspecified()) {
            let door = Door {
                url: format!("http://127.0.0.1:{}", address.port()),
                secret,
                pid: std::process::id(),
            };
            if let Err(e) = crate::db::door::write_door(&folder, &door) {
                tracing::warn!("no door for other processes: {e}");
            }
        }
        ready(address);
    });
    if !folder.as_os_str().is_empty() {
        crate::db::door::remove_door(&folder);
    }
    result
}

/// A database held by this process, served on a loopback port to the
/// other `claimdb` processes of this machine that can read its door file
/// (see `db/door.rs`). Dropping it closes the door and stops the server.
pub struct DoorServer {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
    folder: std::path::PathBuf,
}

impl DoorServer {
    /// Opens the door of `db` (`None` for a database in memory: no other
    /// process can mean it).
    pub fn open(db: Arc<Db>) -> Result<Option<DoorServer>> {
        let folder = db.path();
        if folder.as_os_str().is_empty() {
            return Ok(None);
        }
        let secret = crate::db::new_secret()?;
        let options = ServeOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            shutdown_grace: Duration::from_secs(5),
            ..ServeOptions::default()
        };
        let policy = Policy {
            public_read: false,
            open_on_loopback: false,
            door_secret: Some(secret.clone()),
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (told, listening) = std::sync::mpsc::channel::<SocketAddr>();
        let thread = std::thread::Builder::new()
            .name("claimdb-door".into())
            .spawn(move || {
                let stopped = async move {
                    let _ = stopped.await;
                };
                run(db, &options, policy, stopped, |address| {
                    let _ = told.send(address);
                })
            })
            .map_err(|e| Error::Io {
                path: folder.clone(),
                source: e,
            })?;
        let Ok(address) = listening.recv_timeout(Duration::from_secs(10)) else {
            return match thread.join() {
                Ok(Err(e)) => Err(e),
                _ => Err(Error::invalid("door", "the door's server did not start")),
            };
        };
        crate::db::door::write_door(
            &folder,
            &Door {
                url: format!("http://{address}"),
                secret,
                pid: std::process::id(),
            },
        )?;
        Ok(Some(DoorServer {
            stop: Some(stop),
            thread: Some(thread),
            folder,
        }))
    }
}

impl Drop for DoorServer {
    fn drop(&mut self) {
        crate::db::door::remove_door(&self.folder);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Listens with `options`, serving requests by `policy`, until SIGTERM,
/// Ctrl-C or `stop`; then lets the requests in flight finish.
fn run(
    db: Arc<Db>,
    options: &ServeOptions,
    policy: Policy,
    stop: impl std::future::Future<Output = ()>,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let socket = std::net::TcpListener::bind(options.listen).map_err(|e| Error::Io {
        path: options.listen.to_string().into(),
        source: e,
    })?;
    socket.set_nonblocking(true).map_err(|e| Error::Io {
        path: options.listen.to_string().into(),
        source: e,
    })?;
    let address = socket.local_addr().map_err(|e| Error::Io {
        path: options.listen.to_string().into(),
        source: e,
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Io {
            path: "the server's runtime".into(),
            source: e,
        })?;
    let app = Arc::new(App {
        db,
        policy,
        time_limit: options.statement_time_limit,
        metrics: Metrics::default(),
        busy: Arc::new(Semaphore::new(options.max_concurrent.max(1))),
        next_request: AtomicU64::new(0),
        max_body_bytes: options.max_body_bytes,
        sessions: super::web::Sessions::default(),
    });
    let routes = router(app.clone(), options.max_body_bytes);
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(socket).map_err(|e| Error::Io {
            path: address.to_string().into(),
            source: e,
        })?;
        ready(address);
        tracing::info!(%address, "listening");
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let signal = stop_signal();
        tokio::pin!(signal);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let service = TowerToHyperService::new(routes.clone());
                    let connection = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(options.header_timeout)
                        .serve_connection(TokioIo::new(stream), service);
                    let watched = graceful.watch(connection);
                    tokio::spawn(async move {
                        let _ = watched.await;
                    });
                }
                () = &mut signal => break,
                () = &mut stop => break,
            }
        }
        drop(listener);
        tracing::info!("stopping: finishing the requests in flight");
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(options.shutdown_grace) => {
                tracing::warn!("requests still running after the grace period were dropped");
            }
        }
        Ok::<(), Error>(())
    })?;
    // The runtime's threads end before the database closes (its last
    // handle drops with the caller's), so nothing writes after the flush.
    drop(runtime);
    drop(app);
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
