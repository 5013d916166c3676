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
mod error;
mod files;
pub mod format;
mod lock;
mod log;
mod map_runs;
mod resources;
mod writer;

pub use convert::{entries_to_state, ExecutionState};
pub use disk::{DiskStore, Loaded, LoadedExecution};
pub use error::StoreError;
pub use lock::DirLock;
pub use log::{ExecutionLog, Persist};
pub use map_runs::MapRunFiles;
