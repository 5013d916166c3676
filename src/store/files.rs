//! The file helpers of the store: names made safe for the file system, whole files written
//! atomically, archives read with a size limit and checked to be regular files in real
//! folders.

use super::error::StoreError;
use super::format::{
    check_header, frame, header, read_frame, FrameRead, MachineMeta, ALIGN, FRAME_HEADER_LEN,
    HEADER_LEN,
};
use rkyv::rancor;
use rkyv::util::AlignedVec;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Encoded names longer than this are shortened: with an extension they must stay under
/// the 255 bytes a file name may have (AWS names have 80 characters, which may take 4
/// bytes each and 3 encoded bytes per byte).
pub(super) const LONGEST_NAME: usize = 200;
/// What is kept of an encoded name that is shortened, before its hash.
pub(super) const SHORTENED_TO: usize = 120;

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
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
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

pub(super) fn not_regular(path: &Path) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        reason: "not a regular file; skipped".into(),
    }
}

/// The largest meta, state machine or Map Run archive: what they hold (a definition of at
/// most 1 MiB, an input, mocks) is far smaller, and one file of gigabytes must not take
/// every command's memory.
pub(super) const MAX_ARCHIVE: u64 = 64 << 20;

/// Reads a file into a 16-byte-aligned buffer, so archives can be accessed in place; one
/// larger than `limit` is corrupt.
pub(super) fn read_aligned(path: &Path, limit: u64) -> Result<AlignedVec<16>, StoreError> {
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
pub(super) fn whole_record_after(bytes: &[u8], at: usize) -> bool {
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

pub(super) fn whole_file(value_bytes: &[u8]) -> Vec<u8> {
    let mut out = header().to_vec();
    out.extend(frame(value_bytes));
    out
}

/// The single archive of a whole file, validated.
pub(super) fn single_frame<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a [u8], StoreError> {
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

pub(super) fn remove_if_there(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

/// Whether a directory entry is a real directory (not a link); anything else is reported.
pub(super) fn is_dir(path: &Path, errors: &mut Vec<StoreError>) -> bool {
    match real_dir(path) {
        Ok(()) => true,
        Err(e) => {
            errors.push(e);
            false
        }
    }
}

/// A small text file (a tombstone), read whole.
pub(super) fn read_small(path: &Path) -> Result<String, StoreError> {
    let mut text = String::new();
    open_regular(path)?
        .take(4096)
        .read_to_string(&mut text)
        .map_err(io(path))?;
    Ok(text)
}

pub(super) fn sorted_entries(dir: &Path, errors: &mut Vec<StoreError>) -> Vec<PathBuf> {
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

pub(super) fn read_machine(path: &Path) -> Result<MachineMeta, StoreError> {
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
