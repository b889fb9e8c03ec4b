//! Where claimdb keeps things by default: the database and the shell history
//! live in the user's data directory ($XDG_DATA_HOME/claimdb, or
//! ~/.local/share/claimdb), unless $CLAIMDB_DB names a database.

use std::path::PathBuf;

/// The user's claimdb data directory, created if needed.
pub fn data_dir() -> Result<PathBuf, String> {
    let base = match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(home) => PathBuf::from(home).join(".local").join("share"),
            None => {
                return Err(
                    "no HOME or XDG_DATA_HOME to keep the database in: use --db PATH".into(),
                )
            }
        },
    };
    let dir = base.join("claimdb");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The database used when `--db` is not given.
pub fn default_db() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CLAIMDB_DB").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    Ok(data_dir()?.join("claims.db"))
}

/// The shell's history file, if there is a data directory.
pub fn history_file() -> Option<PathBuf> {
    data_dir().ok().map(|d| d.join("history.txt"))
}
