//! The data directory:
//!
//! ```text
//! DATA/state-machines/<name>.rkyv          one MachineMeta each
//! DATA/executions/<machine>/<name>/meta.rkyv
//! DATA/executions/<machine>/<name>/log.rkyv
//! ```
//!
//! Names are percent-encoded into file names, so no name can reach outside the directory.

use super::format::{check_header, frame, header, read_frame, FrameRead, HEADER_LEN};
use super::format::{ArchivedEntry, Entry, MachineMeta, Meta};
use super::log::ExecutionLog;
use super::writer::Writer;
use super::StoreError;
use rkyv::rancor;
use rkyv::util::AlignedVec;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A data directory.
#[derive(Debug, Clone)]
pub struct DiskStore {
    root: PathBuf,
    writer: Writer,
}

/// One execution as found on disk.
#[derive(Debug)]
pub struct LoadedExecution {
    pub meta: Meta,
    pub entries: Vec<Entry>,
    /// The log ended in a partial frame (a write a crash cut short); it was ignored.
    pub torn_tail: bool,
    pub dir: PathBuf,
}

/// Everything found on disk, and what could not be read (each error names its file and
/// affects nothing else).
#[derive(Debug, Default)]
pub struct Loaded {
    pub machines: Vec<MachineMeta>,
    pub executions: Vec<LoadedExecution>,
    pub errors: Vec<StoreError>,
}

/// Percent-encodes everything but `[A-Za-z0-9_-]`, so `..` or `/` cannot escape.
fn file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes a whole file crash-safely: a temporary file, synced, then renamed over.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
    }
    fs::rename(&tmp, path).map_err(io(path))?;
    if let Some(dir) = path.parent() {
        // Make the rename itself durable.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Reads a file into a 16-byte-aligned buffer, so archives can be accessed in place.
fn read_aligned(path: &Path) -> Result<AlignedVec<16>, StoreError> {
    let mut f = File::open(path).map_err(io(path))?;
    let mut buf = AlignedVec::<16>::new();
    buf.extend_from_reader(&mut f).map_err(io(path))?;
    Ok(buf)
}

fn whole_file(value_bytes: &[u8]) -> Vec<u8> {
    let mut out = header().to_vec();
    out.extend(frame(value_bytes));
    out
}

/// The single archive of a whole file, validated.
fn single_frame<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a [u8], StoreError> {
    check_header(bytes).map_err(|reason| StoreError::Corrupt {
        path: path.to_path_buf(),
        reason,
    })?;
    match read_frame(bytes, HEADER_LEN) {
        FrameRead::Frame(p, _) => Ok(p),
        other => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("unreadable record ({other:?})"),
        }),
    }
}

impl DiskStore {
    /// Opens (creating if needed) a data directory.
    pub fn open(root: impl Into<PathBuf>) -> Result<DiskStore, StoreError> {
        let root = root.into();
        for sub in ["state-machines", "executions"] {
            let p = root.join(sub);
            fs::create_dir_all(&p).map_err(io(&p))?;
        }
        Ok(DiskStore {
            root,
            writer: Writer::start(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The Map Runs kept in the directory.
    pub fn map_run_files(&self) -> Result<super::map_runs::MapRunFiles, StoreError> {
        super::map_runs::MapRunFiles::open(self.root.join("map-runs"))
    }

    /// Records a state machine (replacing an older record of the same name).
    pub fn save_machine(&self, m: &MachineMeta) -> Result<(), StoreError> {
        let path = self
            .root
            .join("state-machines")
            .join(format!("{}.rkyv", file_name(&m.name)));
        let bytes = rkyv::to_bytes::<rancor::Error>(m).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        write_atomic(&path, &whole_file(&bytes))
    }

    /// Forgets a state machine (its executions stay).
    pub fn delete_machine(&self, name: &str) -> Result<(), StoreError> {
        let path = self
            .root
            .join("state-machines")
            .join(format!("{}.rkyv", file_name(name)));
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(&path)(e)),
            _ => Ok(()),
        }
    }

    /// Records a new execution and opens its log.
    pub fn create_execution(&self, meta: &Meta) -> Result<ExecutionLog, StoreError> {
        let dir = self
            .root
            .join("executions")
            .join(file_name(&meta.state_machine_name))
            .join(file_name(&meta.name));
        fs::create_dir_all(&dir).map_err(io(&dir))?;
        let bytes = rkyv::to_bytes::<rancor::Error>(meta).map_err(|e| StoreError::Corrupt {
            path: dir.clone(),
            reason: e.to_string(),
        })?;
        write_atomic(&dir.join("meta.rkyv"), &whole_file(&bytes))?;
        ExecutionLog::create(&dir.join("log.rkyv"), &self.writer)
    }

    /// Reopens an existing execution's log for appending (after a restart).
    pub fn reopen_log(&self, dir: &Path) -> Result<ExecutionLog, StoreError> {
        ExecutionLog::append_to(&dir.join("log.rkyv"), &self.writer)
    }

    /// Reads everything in the directory.
    pub fn load(&self) -> Loaded {
        let mut out = Loaded::default();
        let machines = self.root.join("state-machines");
        for path in sorted_entries(&machines, &mut out.errors) {
            if path.extension().and_then(|e| e.to_str()) != Some("rkyv") {
                continue;
            }
            match read_machine(&path) {
                Ok(m) => out.machines.push(m),
                Err(e) => out.errors.push(e),
            }
        }
        let executions = self.root.join("executions");
        for machine_dir in sorted_entries(&executions, &mut out.errors) {
            for dir in sorted_entries(&machine_dir, &mut out.errors) {
                match read_execution(&dir) {
                    Ok(e) => out.executions.push(e),
                    Err(e) => out.errors.push(e),
                }
            }
        }
        out
    }
}

fn sorted_entries(dir: &Path, errors: &mut Vec<StoreError>) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(rd) => {
            let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            v.sort();
            v
        }
        Err(e) => {
            errors.push(io(dir)(e));
            Vec::new()
        }
    }
}

fn read_machine(path: &Path) -> Result<MachineMeta, StoreError> {
    read_single(path)
}

/// Reads a file holding one archive, validated.
pub(super) fn read_single<T>(path: &Path) -> Result<T, StoreError>
where
    T: rkyv::Archive,
    T::Archived: for<'a> rkyv::bytecheck::CheckBytes<rkyv::api::high::HighValidator<'a, rancor::Error>>
        + rkyv::Deserialize<T, rkyv::api::high::HighDeserializer<rancor::Error>>,
{
    let bytes = read_aligned(path)?;
    let payload = single_frame(path, &bytes)?;
    let mut aligned = AlignedVec::<16>::new();
    aligned.extend_from_slice(payload);
    rkyv::from_bytes::<T, rancor::Error>(&aligned).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Writes a file holding one archive, crash-safely.
pub(super) fn write_whole<T>(path: &Path, value: &T) -> Result<(), StoreError>
where
    T: for<'a> rkyv::Serialize<
        rkyv::api::high::HighSerializer<
            AlignedVec,
            rkyv::ser::allocator::ArenaHandle<'a>,
            rancor::Error,
        >,
    >,
{
    let bytes = rkyv::to_bytes::<rancor::Error>(value).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    write_atomic(path, &whole_file(&bytes))
}

fn read_execution(dir: &Path) -> Result<LoadedExecution, StoreError> {
    let meta_path = dir.join("meta.rkyv");
    let bytes = read_aligned(&meta_path)?;
    let payload = single_frame(&meta_path, &bytes)?;
    let mut aligned = AlignedVec::<16>::new();
    aligned.extend_from_slice(payload);
    let meta =
        rkyv::from_bytes::<Meta, rancor::Error>(&aligned).map_err(|e| StoreError::Corrupt {
            path: meta_path.clone(),
            reason: e.to_string(),
        })?;
    let log_path = dir.join("log.rkyv");
    let log = read_aligned(&log_path)?;
    check_header(&log).map_err(|reason| StoreError::Corrupt {
        path: log_path.clone(),
        reason,
    })?;
    let mut entries = Vec::new();
    let mut at = HEADER_LEN;
    let mut torn_tail = false;
    loop {
        match read_frame(&log, at) {
            FrameRead::Frame(p, next) => {
                // Frames start 16-aligned in an aligned buffer: the archive is read in place.
                let archived = rkyv::access::<ArchivedEntry, rancor::Error>(p).map_err(|e| {
                    StoreError::Corrupt {
                        path: log_path.clone(),
                        reason: format!("record at byte {at}: {e}"),
                    }
                })?;
                entries.push(
                    rkyv::deserialize::<Entry, rancor::Error>(archived).map_err(|e| {
                        StoreError::Corrupt {
                            path: log_path.clone(),
                            reason: e.to_string(),
                        }
                    })?,
                );
                at = next;
            }
            FrameRead::End => break,
            FrameRead::Torn => {
                torn_tail = true;
                break;
            }
            FrameRead::BadChecksum => {
                return Err(StoreError::Corrupt {
                    path: log_path,
                    reason: format!("checksum mismatch in the record at byte {at}"),
                })
            }
        }
    }
    Ok(LoadedExecution {
        meta,
        entries,
        torn_tail,
        dir: dir.to_path_buf(),
    })
}
