//! Reaching files under the objects root without ever leaving it.
//!
//! Checked key segments keep `..` and absolute paths out, but not links: a bucket or a
//! folder inside one that is a symbolic link (planted by anyone who can write into the
//! root) would lead reads, writes and the temporary files of uploads anywhere the `sfn`
//! user can reach. So every path is walked one component at a time from a descriptor of
//! the root with `openat(O_NOFOLLOW)`: a link anywhere below the root is refused, and
//! nothing can be swapped in between a check and its use. Temporary files are created
//! exclusively (`O_EXCL`) under a random name, so a planted file or link is never written
//! through.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};

/// Opened folders and files below a root.
#[derive(Debug, Clone)]
pub(super) struct Jail {
    root: PathBuf,
}

/// A name ending so: an object being written, which no listing shows.
pub(super) const WRITING: &str = ".sfn-writing";

fn c_name(name: &str) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL in a name"))
}

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Why a component could not be opened as a folder or file of the jail.
fn refused(e: io::Error, name: &str) -> io::Error {
    match e.raw_os_error() {
        Some(libc::ELOOP) | Some(libc::ENOTDIR) => io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("'{name}' is a link or not a folder: refused"),
        ),
        _ => e,
    }
}

impl Jail {
    pub(super) fn new(root: PathBuf) -> Jail {
        Jail { root }
    }

    /// The folder at `segments` below the root, each segment a real folder (created if
    /// `create`); `None` if one does not exist and is not to be created.
    pub(super) fn dir(&self, segments: &[&str], create: bool) -> io::Result<Option<OwnedFd>> {
        // The root itself is the user's choice and may be a link.
        let root = c_name(&self.root.to_string_lossy())?;
        // SAFETY: a valid C string; the descriptor returned is owned below.
        let fd = check(unsafe {
            libc::open(
                root.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        });
        let mut dir = match fd {
            // SAFETY: a descriptor just opened and owned by nobody else.
            Ok(fd) => unsafe { OwnedFd::from_raw_fd(fd) },
            Err(e) if e.kind() == io::ErrorKind::NotFound && !create => return Ok(None),
            Err(e) => return Err(e),
        };
        for seg in segments {
            dir = match open_subdir(&dir, seg) {
                Ok(next) => next,
                Err(e) if e.kind() == io::ErrorKind::NotFound && create => {
                    let name = c_name(seg)?;
                    // SAFETY: a valid descriptor and C string.
                    let made =
                        check(unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), 0o777) });
                    match made {
                        Ok(_) => {}
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                        Err(e) => return Err(e),
                    }
                    Self::subdir(&dir, seg)?
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(refused(e, seg)),
            };
        }
        Ok(Some(dir))
    }

    /// A regular file in `dir`, opened to read; a link, a FIFO or a device is refused.
    pub(super) fn open_file(dir: &OwnedFd, name: &str) -> io::Result<File> {
        let c = c_name(name)?;
        // SAFETY: a valid descriptor and C string.
        let fd = check(unsafe {
            libc::openat(
                dir.as_raw_fd(),
                c.as_ptr(),
                libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC,
            )
        })
        .map_err(|e| refused(e, name))?;
        // SAFETY: a descriptor just opened and owned by nobody else.
        let file = unsafe { File::from_raw_fd(fd) };
        if !file.metadata()?.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("'{name}' is not a regular file: refused"),
            ));
        }
        Ok(file)
    }

    /// A new file in `dir` under a random name that no listing shows, created exclusively.
    pub(super) fn create_temp(dir: &OwnedFd) -> io::Result<(File, String)> {
        loop {
            let name = format!(".{:016x}{WRITING}", rand::random::<u64>());
            let c = c_name(&name)?;
            // SAFETY: a valid descriptor and C string.
            let fd = check(unsafe {
                libc::openat(
                    dir.as_raw_fd(),
                    c.as_ptr(),
                    libc::O_WRONLY
                        | libc::O_CREAT
                        | libc::O_EXCL
                        | libc::O_NOFOLLOW
                        | libc::O_CLOEXEC,
                    0o666,
                )
            });
            match fd {
                // SAFETY: a descriptor just opened and owned by nobody else.
                Ok(fd) => return Ok((unsafe { File::from_raw_fd(fd) }, name)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Renames `from` to `to`, both in `dir` (a link named `to` is replaced, not followed).
    pub(super) fn rename(dir: &OwnedFd, from: &str, to: &str) -> io::Result<()> {
        let (f, t) = (c_name(from)?, c_name(to)?);
        // SAFETY: a valid descriptor and C strings.
        check(unsafe { libc::renameat(dir.as_raw_fd(), f.as_ptr(), dir.as_raw_fd(), t.as_ptr()) })
            .map(drop)
    }

    /// Removes the file `name` of `dir` (a link itself, never what it leads to).
    pub(super) fn remove(dir: &OwnedFd, name: &str) -> io::Result<()> {
        let c = c_name(name)?;
        // SAFETY: a valid descriptor and C string.
        check(unsafe { libc::unlinkat(dir.as_raw_fd(), c.as_ptr(), 0) }).map(drop)
    }

    /// The path through which std can list an opened folder.
    pub(super) fn listing_path(dir: &OwnedFd) -> PathBuf {
        Path::new("/proc/self/fd").join(dir.as_raw_fd().to_string())
    }

    /// Opens the sub-folder `name` of `dir`; a link or a file there is refused.
    pub(super) fn subdir(dir: &OwnedFd, name: &str) -> io::Result<OwnedFd> {
        open_subdir(dir, name).map_err(|e| refused(e, name))
    }
}

/// `openat` of a folder that is not a link, with the system's error as it is.
fn open_subdir(dir: &OwnedFd, name: &str) -> io::Result<OwnedFd> {
    let c = c_name(name)?;
    // SAFETY: a valid descriptor and C string.
    let fd = check(unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    })?;
    // SAFETY: a descriptor just opened and owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
