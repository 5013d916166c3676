//! The data directory:
//!
//! ```text
//! DATA/state-machines/<name>.rkyv          one MachineMeta each
//! DATA/executions/<machine>/<name>/meta.rkyv
//! DATA/executions/<machine>/<name>/log.rkyv
//! ```
//!
//! Names are percent-encoded into file names, so no name can reach outside the directory;
//! a name whose encoding would pass the file system's 255 bytes is shortened and given a
//! hash of the whole (the meta archive keeps the name itself).
//!
//! A store opened to write holds the directory's [`DirLock`]; one opened read-only never
//! creates, truncates or appends anything, so `describe` or `list` can look at a directory
//! that another process is running executions from.

use super::format::{
    check_header, frame, header, read_frame, FrameRead, ALIGN, FRAME_HEADER_LEN, HEADER_LEN,
};
use super::format::{ArchivedEntry, Entry, MachineMeta, Meta};
use super::lock::DirLock;
use super::log::ExecutionLog;
use super::writer::Writer;
use super::StoreError;
use rkyv::rancor;
use rkyv::util::AlignedVec;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
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
    pub meta: Meta,
    pub entries: Vec<Entry>,
    /// The log ended in a partial frame (a write a crash cut short); it was ignored.
    pub torn_tail: bool,
    /// The length of the log up to its last whole record: where appending continues.
    pub valid_len: u64,
    pub dir: PathBuf,
}

/// Everything found on disk, and what could not be read (each error names its file and
/// affects nothing else).
#[derive(Debug, Default)]
pub struct Loaded {
    pub machines: Vec<MachineMeta>,
    /// The ARNs of state machines that were deleted (their executions stay).
    pub deleted_machines: Vec<String>,
    pub executions: Vec<LoadedExecution>,
    pub errors: Vec<StoreError>,
}

/// Encoded names longer than this are shortened: with an extension they must stay under
/// the 255 bytes a file name may have (AWS names have 80 characters, which may take 4
/// bytes each and 3 encoded bytes per byte).
const LONGEST_NAME: usize = 200;
/// What is kept of an encoded name that is shortened, before its hash.
const SHORTENED_TO: usize = 120;

/// Percent-encodes everything but `[A-Za-z0-9_-]`, so `..` or `/` cannot escape. A long
/// encoding keeps its start and ends in `~` and a SHA-256 of the whole name; `~` is always
/// encoded otherwise, so a shortened name never equals another's encoding.
pub(super) fn file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    if out.len() <= LONGEST_NAME {
        return out;
    }
    use sha2::Digest;
    let mut cut = SHORTENED_TO;
    // Never split an escape.
    while out.as_bytes()[cut - 1] == b'%' || out.as_bytes()[cut - 2] == b'%' {
        cut -= 1;
    }
    out.truncate(cut);
    out.push('~');
    for b in &sha2::Sha256::digest(name.as_bytes())[..16] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes a whole file crash-safely: a temporary file, synced, then renamed over. The
/// temporary file is new (created exclusively under a random name): one planted in the
/// directory, a link or a hard link to a file elsewhere, is never written through.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = path.with_file_name(format!(".{:016x}.tmp", rand::random::<u64>()));
    let written = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)
            .map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        fs::rename(&tmp, path).map_err(io(path))
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written?;
    if let Some(dir) = path.parent() {
        // Make the rename itself durable.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Checks that a folder the store writes into is a folder of its own, not a link that
/// would take its files elsewhere.
pub(super) fn real_dir(path: &Path) -> Result<(), StoreError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            reason: "a link or not a folder; refused".into(),
        }),
        Err(e) => Err(io(path)(e)),
    }
}

/// Opens a file of the store for reading, refusing anything but a regular file: a FIFO
/// or a device would block or never end, and a link may lead out of the directory.
pub(super) fn open_regular(path: &Path) -> Result<File, StoreError> {
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                not_regular(path)
            } else {
                io(path)(e)
            }
        })?;
    let kind = f.metadata().map_err(io(path))?;
    if !kind.is_file() {
        return Err(not_regular(path));
    }
    Ok(f)
}

fn not_regular(path: &Path) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        reason: "not a regular file; skipped".into(),
    }
}

/// The largest meta, state machine or Map Run archive: what they hold (a definition of at
/// most 1 MiB, an input, mocks) is far smaller, and one file of gigabytes must not take
/// every command's memory.
const MAX_ARCHIVE: u64 = 64 << 20;

/// Reads a file into a 16-byte-aligned buffer, so archives can be accessed in place; one
/// larger than `limit` is corrupt.
fn read_aligned(path: &Path, limit: u64) -> Result<AlignedVec<16>, StoreError> {
    let mut f = open_regular(path)?;
    let len = f.metadata().map_err(io(path))?.len();
    if len > limit {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("{len} bytes, more than such a file may hold ({limit})"),
        });
    }
    let mut buf = AlignedVec::<16>::new();
    buf.extend_from_reader(&mut (&mut f).take(limit))
        .map_err(io(path))?;
    Ok(buf)
}

/// Whether a valid record starts anywhere after `at`: then the record at `at`, which
/// claims to run past the end, is damaged rather than torn (a write cut short is the last
/// thing in its file).
fn whole_record_after(bytes: &[u8], at: usize) -> bool {
    let mut p = at + ALIGN;
    while p + FRAME_HEADER_LEN <= bytes.len() {
        // An empty payload's checksum is 0: any 16 zero bytes would pass for one, and no
        // entry is empty.
        if let FrameRead::Frame(payload, _) = read_frame(bytes, p) {
            if !payload.is_empty() {
                return true;
            }
        }
        p += ALIGN;
    }
    false
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

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the store was opened only to read.
    pub fn is_read_only(&self) -> bool {
        self.writing.is_none()
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

fn remove_if_there(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

/// Whether a directory entry is a real directory (not a link); anything else is reported.
fn is_dir(path: &Path, errors: &mut Vec<StoreError>) -> bool {
    match real_dir(path) {
        Ok(()) => true,
        Err(e) => {
            errors.push(e);
            false
        }
    }
}

/// A small text file (a tombstone), read whole.
fn read_small(path: &Path) -> Result<String, StoreError> {
    let mut text = String::new();
    open_regular(path)?
        .take(4096)
        .read_to_string(&mut text)
        .map_err(io(path))?;
    Ok(text)
}

fn sorted_entries(dir: &Path, errors: &mut Vec<StoreError>) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(rd) => {
            let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            v.sort();
            v
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
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
    let bytes = read_aligned(path, MAX_ARCHIVE)?;
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
