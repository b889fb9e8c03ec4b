//! `claimdb serve`: one database shared over HTTP, with tokens and limits.
//!
//! The life of a request: the listener (`listen.rs`) accepts a connection
//! on loopback (or, with tokens, anywhere), reads its headers within a
//! time limit, and hands the request to the router (`routes.rs`). A layer
//! gives it an id, counts it for `/v1/metrics` (`metrics.rs`), logs it, and
//! refuses it with 429 when as many requests run as the server takes. The
//! handler checks the caller's token and role (`auth.rs`), then runs the
//! work on a blocking thread over the one shared [`crate::Db`] with the
//! statement time limit set, and answers JSON: an [`crate::query::Output`],
//! an outcome, a report; or, for any refusal, the same [`crate::ErrorReport`]
//! the CLI prints, with the HTTP status that says what kind of refusal it is
//! (`failure.rs`). A result is read whole under one read view and then
//! sent at the client's pace, so a slow reader never holds the storage
//! lock that writers wait for. `/v1/openapi.json` describes every route of
//! the one route table (`openapi.rs`). The same server shows web pages at
//! `/` (`web/`): the claims, each in its source's passage, for people
//! without a terminal, behind the same tokens.

mod auth;
mod corpus;
mod failure;
mod listen;
mod metrics;
mod openapi;
mod routes;
mod statements;
pub(crate) mod web;

pub use listen::{serve, DoorServer, ServeOptions};
pub use openapi::openapi;
pub use routes::{Route, ROUTES};
