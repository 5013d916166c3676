//! The thread that writes log buffers to their files.
//!
//! Every core runs actors, and a fan-out is limited by the one core its parent runs on, so
//! the others have time to spare; `write(2)` of a full buffer (copying it into the page
//! cache) is done here, off the actors' threads. Buffers of one log are queued in the order
//! they were filled, and one thread writes them, so they reach the file in that order.

use super::error::StoreError;
use super::files::io;
use crossbeam::channel::{bounded, Receiver, Sender};
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Full buffers that may wait for the thread before appenders block (backpressure when the
/// disk is slower than the runtime): 64 × 256 KiB.
const QUEUE: usize = 64;

/// Written bytes are synced by the writer thread once this many are unsynced, so that the
/// sync that makes an execution's end durable (on an actor's thread, waited for) finds
/// little left to write.
const SYNC_EVERY: u64 = 8 << 20;

/// A log file, written only by the writer thread.
#[derive(Debug)]
pub(super) struct LogFile {
    pub(super) path: PathBuf,
    /// The file and how many bytes were written to it since it was last synced.
    file: Mutex<(File, u64)>,
    failed: AtomicBool,
    /// The first failure, for the execution to report.
    first_failure: std::sync::OnceLock<String>,
}

impl LogFile {
    pub(super) fn new(path: PathBuf, file: File) -> Arc<LogFile> {
        Arc::new(LogFile {
            path,
            file: Mutex::new((file, 0)),
            failed: AtomicBool::new(false),
            first_failure: std::sync::OnceLock::new(),
        })
    }

    fn write(&self, bytes: &[u8], sync: bool) -> Result<(), StoreError> {
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (f, unsynced) = &mut *guard;
        f.write_all(bytes).map_err(io(&self.path))?;
        *unsynced += bytes.len() as u64;
        if sync || *unsynced >= SYNC_EVERY {
            f.sync_data().map_err(io(&self.path))?;
            *unsynced = 0;
        }
        Ok(())
    }

    /// Remembers a failure, reporting the first one: the runtime records progress from
    /// places that cannot handle an IO error.
    pub(super) fn report(&self, e: StoreError) {
        if !self.failed.swap(true, Ordering::Relaxed) {
            let _ = self.first_failure.set(e.to_string());
        }
    }

    pub(super) fn failure(&self) -> Option<String> {
        self.first_failure.get().cloned()
    }

    pub(super) fn has_failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }
}

/// Bytes for a file; with `done`, the sender waits for the result (and `sync` makes it
/// durable first).
pub(super) struct Job {
    pub(super) file: Arc<LogFile>,
    pub(super) bytes: Vec<u8>,
    pub(super) sync: bool,
    pub(super) done: Option<Sender<Result<(), StoreError>>>,
}

/// The queue to the writer thread; the thread ends when every handle is gone.
#[derive(Debug, Clone)]
pub(super) struct Writer {
    queue: Sender<Job>,
}

impl Writer {
    pub(super) fn start() -> Writer {
        let (queue, jobs) = bounded::<Job>(QUEUE);
        std::thread::Builder::new()
            .name("sfn-store-writer".into())
            .spawn(move || run(jobs))
            .expect("the store's writer thread starts");
        Writer { queue }
    }

    /// Queues bytes without waiting for them to be written.
    pub(super) fn queue(&self, file: &Arc<LogFile>, bytes: Vec<u8>) {
        let job = Job {
            file: Arc::clone(file),
            bytes,
            sync: false,
            done: None,
        };
        if let Err(e) = self.queue.send(job) {
            // The thread is gone (it only ends with the process): write here instead.
            let job = e.into_inner();
            if let Err(e) = job.file.write(&job.bytes, false) {
                job.file.report(e);
            }
        }
    }

    /// Queues bytes behind those already queued for the file and waits until they (and so
    /// everything before them) are written; `sync` also syncs the file.
    pub(super) fn write_through(
        &self,
        file: &Arc<LogFile>,
        bytes: Vec<u8>,
        sync: bool,
    ) -> Result<(), StoreError> {
        let (done, result) = bounded(1);
        let job = Job {
            file: Arc::clone(file),
            bytes,
            sync,
            done: Some(done),
        };
        match self.queue.send(job) {
            Ok(()) => result.recv().unwrap_or_else(|_| {
                Err(StoreError::Corrupt {
                    path: file.path.clone(),
                    reason: "the store's writer thread stopped".into(),
                })
            }),
            Err(e) => {
                let job = e.into_inner();
                job.file.write(&job.bytes, job.sync)
            }
        }
    }
}

fn run(jobs: Receiver<Job>) {
    for job in jobs {
        let result = job.file.write(&job.bytes, job.sync);
        match job.done {
            Some(done) => {
                let _ = done.send(result);
            }
            None => {
                if let Err(e) = result {
                    job.file.report(e);
                }
            }
        }
    }
}
