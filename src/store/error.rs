//! What went wrong with the store, naming the file.

use std::path::PathBuf;

/// What went wrong with the store, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is corrupt: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// Another process runs executions from the directory.
    #[error("the data directory {dir} is in use by {}", match holder { Some(pid) => format!("process {pid}"), None => "another process".into() })]
    Locked { dir: PathBuf, holder: Option<u32> },
    /// An execution of that name is already recorded.
    #[error("{path} already exists")]
    AlreadyExists { path: PathBuf },
    /// The store was opened only to read.
    #[error("{path} is open read-only")]
    ReadOnly { path: PathBuf },
}
