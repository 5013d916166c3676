//! One process at a time runs executions from a data directory.
//!
//! Two processes writing one directory interleave their events into the same logs, rerun
//! each other's running executions and overwrite each other's result files, so a writer
//! holds an exclusive `flock` on the directory itself for as long as it is open. The kernel
//! drops the lock when the process ends however it ends, so a killed holder never blocks
//! the next one; and since the lock is on the directory, not on a file in it, deleting a
//! file (the pid file left behind looks stale) does not let a second writer in. The holder
//! writes its pid into `DATA/lock`, only to name it in the next one's error; that file is
//! never opened through a link.

use super::error::StoreError;
use super::files::io;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// How long a lock that is held is tried again, and how often.
const RETRY_FOR_MS: u64 = 100;
const RETRY_EVERY_MS: u64 = 5;

/// The lock of a data directory, held until dropped.
#[derive(Debug)]
pub struct DirLock {
    _dir: File,
}

impl DirLock {
    /// Takes the lock of `root` at once, or says who holds it.
    pub fn acquire(root: &Path) -> Result<DirLock, StoreError> {
        let dir = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY)
            .open(root)
            .map_err(io(root))?;
        // A lock just let go can still be held for a moment by a child process that was
        // forked (by any thread of the holder) and has not exec'd yet: the child's copy of
        // the descriptor holds it until then. A short wait tells that from a real holder.
        let mut waited = 0;
        loop {
            match dir.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if waited < RETRY_FOR_MS => {
                    std::thread::sleep(std::time::Duration::from_millis(RETRY_EVERY_MS));
                    waited += RETRY_EVERY_MS;
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked {
                        dir: root.to_path_buf(),
                        holder: holder(root),
                    })
                }
                Err(TryLockError::Error(e)) => return Err(io(root)(e)),
            }
        }
        let path = root.join("lock");
        let mut pid_file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ELOOP) => StoreError::Corrupt {
                    path: path.clone(),
                    reason: "a link; refused (it would be written through)".into(),
                },
                _ => io(&path)(e),
            })?;
        if !pid_file.metadata().map_err(io(&path))?.is_file() {
            return Err(StoreError::Corrupt {
                path,
                reason: "not a regular file".into(),
            });
        }
        pid_file
            .write_all(std::process::id().to_string().as_bytes())
            .map_err(io(&path))?;
        Ok(DirLock { _dir: dir })
    }
}

/// The pid the holder wrote, if it can be read.
fn holder(root: &Path) -> Option<u32> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(root.join("lock"))
        .ok()?;
    let mut text = String::new();
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sfn-lock-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid_until_it_lets_go() {
        let dir = temp("held");
        let first = DirLock::acquire(&dir).unwrap();
        let refused = |dir: &Path| match DirLock::acquire(dir) {
            Err(StoreError::Locked { dir: d, holder }) => (d, holder),
            other => panic!("expected Locked, got {other:?}"),
        };
        assert_eq!(refused(&dir), (dir.clone(), Some(std::process::id())));
        // The pid file removed, as a user might: still refused.
        std::fs::remove_file(dir.join("lock")).unwrap();
        assert_eq!(refused(&dir), (dir.clone(), None));
        drop(first);
        DirLock::acquire(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_link_in_place_of_the_pid_file_is_not_written_through() {
        let dir = temp("link");
        let outside = dir.with_extension("outside");
        std::fs::write(&outside, "precious").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("lock")).unwrap();
        assert!(matches!(
            DirLock::acquire(&dir),
            Err(StoreError::Corrupt { .. })
        ));
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(&outside);
    }
}
