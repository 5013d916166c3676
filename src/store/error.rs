//! What went wrong with the store, naming the file.

use std::path::PathBuf;

/// What went wrong with the store, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system reported.
        source: std::io::Error,
    },
    /// A file holds what this build cannot read: a damaged record, a bad header or archive.
    #[error("{path} is corrupt: {reason}")]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with it, and where.
        reason: String,
    },
    /// Another process runs executions from the directory.
    #[error("the data directory {dir} is in use by {}", match holder { Some(pid) => format!("process {pid}"), None => "another process".into() })]
    Locked {
        /// The data directory.
        dir: PathBuf,
        /// The id of the process holding the lock, when the lock file names it.
        holder: Option<u32>,
    },
    /// An execution of that name is already recorded.
    #[error("{path} already exists")]
    AlreadyExists {
        /// The execution's folder.
        path: PathBuf,
    },
    /// The store was opened only to read.
    #[error("{path} is open read-only")]
    ReadOnly {
        /// The data directory, or the file that was to be written.
        path: PathBuf,
    },
}
