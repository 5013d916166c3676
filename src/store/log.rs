//! An execution's append-only log file.
//!
//! The actors of one execution run on every core and all record into the same log, so the
//! log is built to keep them from waiting on each other: an entry is serialised and
//! checksummed outside every lock, only the copy of its frame into the pending buffer is
//! under a lock, and full buffers are written by the store's writer thread.

use super::error::StoreError;
use super::files::io;
use super::format::{frame, frame_head, frame_padding, header, Entry};
use super::writer::{LogFile, Writer};
use rkyv::api::high::HighSerializer;
use rkyv::rancor;
use rkyv::ser::allocator::ArenaHandle;
use rkyv::util::AlignedVec;
use rkyv::Serialize;
use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// How far an appended entry goes before `append` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persist {
    /// Buffered: a crash of the process may lose it (the runtime then redoes the work).
    Buffered,
    /// Written to the file with everything before it: only a crash of the machine may
    /// lose it. For the entries that say where a restart continues.
    Written,
    /// Written and synced: nothing loses it.
    Synced,
}

/// Pending bytes are handed to the writer thread once they reach this size.
const FLUSH_AT: usize = 256 << 10;

/// What can be appended: an [`Entry`](super::format::Entry) or a borrowed twin of one.
pub trait Archivable:
    for<'a> Serialize<HighSerializer<AlignedVec<16>, ArenaHandle<'a>, rancor::Error>>
{
}

impl<T> Archivable for T where
    T: for<'a> Serialize<HighSerializer<AlignedVec<16>, ArenaHandle<'a>, rancor::Error>>
{
}

thread_local! {
    /// The serialisation buffer of this thread, reused for every entry of every log.
    static SCRATCH: RefCell<AlignedVec<16>> = RefCell::new(AlignedVec::new());
}

/// An execution's append-only log. Entries are buffered and full buffers are written by the
/// store's writer thread; an end or a redrive is written and synced before `append`
/// returns, so a finished execution's record survives a crash, and the start of a fan-out
/// is written, so that a killed process's Map Run is continued, not started again. A crash
/// loses at most the buffered entries, which the runtime then redoes (at-least-once).
#[derive(Debug)]
pub struct ExecutionLog {
    /// Framed entries not yet handed to the writer. Buffers are handed over under this
    /// lock, so they are queued in the order they were filled.
    pending: Mutex<Vec<u8>>,
    file: Arc<LogFile>,
    writer: Writer,
    /// Buffers were queued without waiting for them since the last write that waited.
    queued: AtomicBool,
}

impl ExecutionLog {
    /// Creates the log, its first entries written (not only buffered) with its header: a
    /// process that dies at once still leaves them.
    pub(super) fn create(
        path: &Path,
        writer: &Writer,
        first: &[Entry],
    ) -> Result<ExecutionLog, StoreError> {
        let mut bytes = header().to_vec();
        for e in first {
            let payload =
                rkyv::to_bytes::<rancor::Error>(e).map_err(|err| StoreError::Corrupt {
                    path: path.to_path_buf(),
                    reason: err.to_string(),
                })?;
            bytes.extend(frame(&payload));
        }
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(io(path))?;
        f.write_all(&bytes).map_err(io(path))?;
        Ok(Self::wrap(path, f, writer))
    }

    /// Opens a log to append to it after its first `valid_len` bytes, cutting off (and
    /// syncing the cut of) whatever follows them.
    pub(super) fn append_to(
        path: &Path,
        valid_len: u64,
        writer: &Writer,
    ) -> Result<ExecutionLog, StoreError> {
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .map_err(io(path))?;
        let len = f.metadata().map_err(io(path))?.len();
        if valid_len == 0 {
            // The log of a process killed as it started: not even its header.
            f.set_len(0).map_err(io(path))?;
            f.write_all(&header()).map_err(io(path))?;
            f.sync_data().map_err(io(path))?;
        } else if len != valid_len {
            f.set_len(valid_len).map_err(io(path))?;
            f.sync_data().map_err(io(path))?;
        }
        Ok(Self::wrap(path, f, writer))
    }

    fn wrap(path: &Path, f: File, writer: &Writer) -> ExecutionLog {
        ExecutionLog {
            pending: Mutex::new(Vec::new()),
            file: LogFile::new(path.to_path_buf(), f),
            writer: writer.clone(),
            queued: AtomicBool::new(false),
        }
    }

    /// Appends one entry, and everything before it as far as `persist` says.
    pub fn append(&self, entry: &impl Archivable, persist: Persist) -> Result<(), StoreError> {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let mut taken = std::mem::take(&mut *scratch);
            taken.clear();
            let bytes =
                rkyv::api::high::to_bytes_in::<_, rancor::Error>(entry, taken).map_err(|e| {
                    StoreError::Corrupt {
                        path: self.file.path.clone(),
                        reason: e.to_string(),
                    }
                })?;
            let head = frame_head(&bytes);
            let result = self.push_frame(&head, &bytes, persist);
            *scratch = bytes;
            result
        })
    }

    fn push_frame(&self, head: &[u8], payload: &[u8], persist: Persist) -> Result<(), StoreError> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.extend_from_slice(head);
        pending.extend_from_slice(payload);
        pending.extend_from_slice(frame_padding(payload.len()));
        if persist != Persist::Buffered {
            let full = std::mem::take(&mut *pending);
            self.queued.store(false, Ordering::Relaxed);
            return self
                .writer
                .write_through(&self.file, full, persist == Persist::Synced);
        }
        if pending.len() >= FLUSH_AT {
            let full = std::mem::replace(&mut *pending, Vec::with_capacity(FLUSH_AT + 4096));
            self.queued.store(true, Ordering::Relaxed);
            self.writer.queue(&self.file, full);
        }
        Ok(())
    }

    /// Appends, remembering (and reporting once) a failure instead of returning it: the
    /// runtime records progress from places that cannot handle an IO error.
    pub fn append_or_report(&self, entry: &impl Archivable, persist: Persist) {
        if let Err(e) = self.append(entry, persist) {
            self.file.report(e);
        }
    }

    /// Whether any append failed.
    pub fn has_failed(&self) -> bool {
        self.file.has_failed()
    }

    /// The first failure to append, if any.
    pub fn failure(&self) -> Option<String> {
        self.file.failure()
    }
}

impl Drop for ExecutionLog {
    /// What is still buffered goes to the file (unsynced, as buffered entries always are),
    /// and the drop waits for it: whoever opens the directory next reads all of it.
    fn drop(&mut self) {
        let pending = std::mem::take(self.pending.get_mut().unwrap_or_else(|e| e.into_inner()));
        if pending.is_empty() && !self.queued.load(Ordering::Relaxed) {
            return;
        }
        if let Err(e) = self.writer.write_through(&self.file, pending, false) {
            self.file.report(e);
        }
    }
}
