//! Layer 5, durable progress: per execution, rkyv archives of what it was started with and
//! an append-only log of what happened (history, mock calls, its end and where a redrive
//! continues, redrives). Crash-safe: whole files are written then renamed; log records
//! carry a length and a CRC-32, a torn tail is ignored and a damaged record is a typed
//! error naming its file. Reads validate each archive and access it in place.
//!
//! Imports `runtime` (to implement its `Journal`), never the API.

mod borrowed;
mod convert;
mod disk;
pub mod format;
mod lock;
mod log;
mod map_runs;
mod writer;

pub use convert::{entries_to_state, ExecutionState};
pub use disk::{DiskStore, Loaded, LoadedExecution};
pub use lock::DirLock;
pub use log::{ExecutionLog, Persist};
pub use map_runs::{record_of, MapRunFiles};

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
