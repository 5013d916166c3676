//! The data directory:
//!
//! ```text
//! DATA/state-machines/<name>.rkyv          one MachineMeta each
//! DATA/executions/<machine>/<name>/meta.rkyv
//! DATA/executions/<machine>/<name>/log.rkyv
//! DATA/resources/<kind>/<key>.rkyv          activities, versions, aliases, tags
//! ```
//!
//! Names are percent-encoded into file names, so no name can reach outside the directory;
//! a name whose encoding would pass the file system's 255 bytes is shortened and given a
//! hash of the whole (the meta archive keeps the name itself).
//!
//! A store opened to write holds the directory's [`DirLock`]; one opened read-only never
//! creates, truncates or appends anything, so `describe` or `list` can look at a directory
//! that another process is running executions from.

use super::error::StoreError;
use super::files::*;
use super::format::{check_header, header, read_frame, FrameRead, HEADER_LEN};
use super::format::{ArchivedEntry, Entry, MachineMeta, Meta};
use super::lock::DirLock;
use super::log::ExecutionLog;
use super::writer::Writer;
use rkyv::rancor;
use rkyv::util::AlignedVec;
use std::fs::{self};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A data directory.
#[derive(Debug, Clone)]
pub struct DiskStore {
    root: PathBuf,
    /// The writer thread and the directory's lock; `None` when opened read-only.
    writing: Option<(Writer, Arc<DirLock>)>,
}

/// One execution as found on disk.
#[derive(Debug)]
pub struct LoadedExecution {
    /// What the execution was started with (`meta.rkyv`).
    pub meta: Meta,
    /// The records of its log, in the order they were appended.
    pub entries: Vec<Entry>,
    /// The log ended in a partial frame (a write a crash cut short); it was ignored.
    pub torn_tail: bool,
    /// The length of the log up to its last whole record: where appending continues.
    pub valid_len: u64,
    /// The execution's folder, where its log is reopened for appending.
    pub dir: PathBuf,
}

/// Everything found on disk, and what could not be read (each error names its file and
/// affects nothing else).
#[derive(Debug, Default)]
pub struct Loaded {
    /// The state machines whose files could be read.
    pub machines: Vec<MachineMeta>,
    /// The ARNs of state machines that were deleted (their executions stay).
    pub deleted_machines: Vec<String>,
    /// The executions that could be read.
    pub executions: Vec<LoadedExecution>,
    /// What could not be read, each error naming its file.
    pub errors: Vec<StoreError>,
}

impl DiskStore {
    /// Opens (creating if needed) a data directory to run executions from, taking its lock:
    /// [`StoreError::Locked`] names the process that holds it.
    pub fn open(root: impl Into<PathBuf>) -> Result<DiskStore, StoreError> {
        let root = root.into();
        for sub in ["state-machines", "executions"] {
            let p = root.join(sub);
            fs::create_dir_all(&p).map_err(io(&p))?;
            real_dir(&p)?;
        }
        let lock = DirLock::acquire(&root)?;
        Ok(DiskStore {
            root,
            writing: Some((Writer::start(), Arc::new(lock))),
        })
    }

    /// Opens a data directory only to read it: nothing is created or written, and no lock
    /// is taken. A directory that does not exist reads as empty.
    pub fn open_read_only(root: impl Into<PathBuf>) -> DiskStore {
        DiskStore {
            root: root.into(),
            writing: None,
        }
    }

    /// The data directory this store reads and writes.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the store was opened only to read.
    pub fn is_read_only(&self) -> bool {
        self.writing.is_none()
    }

    /// Refuses to write through a store opened read-only.
    pub(super) fn check_writable(&self) -> Result<(), StoreError> {
        self.writer().map(|_| ())
    }

    fn writer(&self) -> Result<&Writer, StoreError> {
        match &self.writing {
            Some((w, _)) => Ok(w),
            None => Err(StoreError::ReadOnly {
                path: self.root.clone(),
            }),
        }
    }

    /// The Map Runs kept in the directory.
    pub fn map_run_files(&self) -> Result<super::map_runs::MapRunFiles, StoreError> {
        super::map_runs::MapRunFiles::open(self.root.join("map-runs"), self.is_read_only())
    }

    fn machine_path(&self, name: &str, extension: &str) -> PathBuf {
        self.root
            .join("state-machines")
            .join(format!("{}.{extension}", file_name(name)))
    }

    /// Records a state machine (replacing an older record of the same name).
    pub fn save_machine(&self, m: &MachineMeta) -> Result<(), StoreError> {
        self.writer()?;
        let path = self.machine_path(&m.name, "rkyv");
        let bytes = rkyv::to_bytes::<rancor::Error>(m).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        write_atomic(&path, &whole_file(&bytes))?;
        remove_if_there(&self.machine_path(&m.name, "deleted"))
    }

    /// Forgets a state machine (its executions stay). A tombstone holding its ARN tells a
    /// deletion from a lost file: the executions of a machine whose file is missing bring
    /// it back, those of a deleted one do not.
    pub fn delete_machine(&self, name: &str, arn: &str) -> Result<(), StoreError> {
        self.writer()?;
        write_atomic(&self.machine_path(name, "deleted"), arn.as_bytes())?;
        remove_if_there(&self.machine_path(name, "rkyv"))
    }

    /// Records a new execution and opens its log, which starts with `first`. The
    /// execution's directory is created exclusively: [`StoreError::AlreadyExists`] if
    /// another start took the name.
    pub fn create_execution(
        &self,
        meta: &Meta,
        first: &[Entry],
    ) -> Result<ExecutionLog, StoreError> {
        let writer = self.writer()?;
        let parent = self
            .root
            .join("executions")
            .join(file_name(&meta.state_machine_name));
        fs::create_dir_all(&parent).map_err(io(&parent))?;
        real_dir(&parent)?;
        let dir = parent.join(file_name(&meta.name));
        match fs::create_dir(&dir) {
            Ok(()) => {}
            // A start that died before its meta was written left only the directory.
            Err(e)
                if e.kind() == std::io::ErrorKind::AlreadyExists
                    && fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir())
                    && fs::symlink_metadata(dir.join("meta.rkyv")).is_err() => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::AlreadyExists { path: dir })
            }
            Err(e) => return Err(io(&dir)(e)),
        }
        let bytes = rkyv::to_bytes::<rancor::Error>(meta).map_err(|e| StoreError::Corrupt {
            path: dir.clone(),
            reason: e.to_string(),
        })?;
        write_atomic(&dir.join("meta.rkyv"), &whole_file(&bytes))?;
        ExecutionLog::create(&dir.join("log.rkyv"), writer, first)
    }

    /// Reopens an existing execution's log for appending (after a restart), first cutting
    /// it back to `valid_len`, the end of its last whole record: what a crash left of a
    /// torn write would otherwise sit in front of every later record.
    pub fn reopen_log(&self, dir: &Path, valid_len: u64) -> Result<ExecutionLog, StoreError> {
        ExecutionLog::append_to(&dir.join("log.rkyv"), valid_len, self.writer()?)
    }

    /// Reads everything in the directory.
    pub fn load(&self) -> Loaded {
        let mut out = Loaded::default();
        if self.is_read_only() && !self.root.exists() {
            return out;
        }
        let machines = self.root.join("state-machines");
        for path in sorted_entries(&machines, &mut out.errors) {
            match path.extension().and_then(|e| e.to_str()) {
                Some("rkyv") => match read_machine(&path) {
                    Ok(m) => out.machines.push(m),
                    Err(e) => out.errors.push(e),
                },
                Some("deleted") => match read_small(&path) {
                    Ok(arn) => out.deleted_machines.push(arn),
                    Err(e) => out.errors.push(e),
                },
                _ => {}
            }
        }
        let executions = self.root.join("executions");
        for machine_dir in sorted_entries(&executions, &mut out.errors) {
            if !is_dir(&machine_dir, &mut out.errors) {
                continue;
            }
            for dir in sorted_entries(&machine_dir, &mut out.errors) {
                if !is_dir(&dir, &mut out.errors) {
                    continue;
                }
                match read_execution(&dir) {
                    Ok(e) => out.executions.push(e),
                    Err(e) => out.errors.push(e),
                }
            }
        }
        out
    }
}

impl DiskStore {
    /// The execution `name` of state machine `machine`, read from its directory.
    pub fn read_execution_of(
        &self,
        machine: &str,
        name: &str,
    ) -> Result<LoadedExecution, StoreError> {
        let dir = self
            .root
            .join("executions")
            .join(file_name(machine))
            .join(file_name(name));
        read_execution(&dir)
    }
}

fn read_execution(dir: &Path) -> Result<LoadedExecution, StoreError> {
    let meta: Meta = read_single(&dir.join("meta.rkyv"))?;
    let log_path = dir.join("log.rkyv");
    let log = match read_aligned(&log_path, u64::MAX) {
        Ok(log) => log,
        // A process killed as it started the execution wrote its meta and no log yet.
        Err(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            AlignedVec::new()
        }
        Err(e) => return Err(e),
    };
    if log.len() < HEADER_LEN && header().starts_with(&log) {
        // Nothing recorded but (part of) the header: the execution runs from its start.
        return Ok(LoadedExecution {
            meta,
            entries: Vec::new(),
            torn_tail: !log.is_empty(),
            valid_len: 0,
            dir: dir.to_path_buf(),
        });
    }
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
            FrameRead::Torn if whole_record_after(&log, at) => {
                return Err(StoreError::Corrupt {
                    path: log_path,
                    reason: format!("the length of the record at byte {at} is damaged"),
                })
            }
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
        valid_len: at as u64,
        dir: dir.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(name: &str) -> Meta {
        Meta {
            execution_arn: format!("arn:aws:states:us-east-1:123456789012:execution:Sm:{name}"),
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Sm".into(),
            state_machine_name: "Sm".into(),
            name: name.into(),
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            machine_type: 0,
            definition: "{}".into(),
            input: "{}".into(),
            start_date_ms: 0,
            mocks: None,
        }
    }

    #[test]
    fn an_execution_is_created_once_and_long_names_fit_a_file_name() {
        let root = std::env::temp_dir().join(format!("sfn-disk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let store = DiskStore::open(&root).unwrap();
        drop(store.create_execution(&meta("once"), &[]).unwrap());
        assert!(matches!(
            store.create_execution(&meta("once"), &[]),
            Err(StoreError::AlreadyExists { .. })
        ));
        let long = "名".repeat(80);
        let encoded = file_name(&long);
        assert!(encoded.len() + ".rkyv".len() <= 255, "{}", encoded.len());
        assert_ne!(encoded, file_name(&"名".repeat(79)));
        drop(store.create_execution(&meta(&long), &[]).unwrap());
        let loaded = store.load();
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        assert_eq!(loaded.executions.len(), 2);
        let _ = fs::remove_dir_all(&root);
    }
}
