//! One process at a time runs executions from a data directory.
//!
//! Two processes writing one directory interleave their events into the same logs, rerun
//! each other's running executions and overwrite each other's result files, so a writer
//! holds an exclusive `flock` on `DATA/lock` for as long as it is open. The kernel drops the
//! lock when the process ends however it ends, so a killed holder never blocks the next
//! one. The holder writes its pid into the file: only to name it in the next one's error.

use super::disk::io;
use super::StoreError;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// The lock of a data directory, held until dropped.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Takes the lock of `root` at once, or says who holds it.
    pub fn acquire(root: &Path) -> Result<DirLock, StoreError> {
        let path = root.join("lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    dir: root.to_path_buf(),
                    holder: holder(&mut file),
                })
            }
            Err(TryLockError::Error(e)) => return Err(io(&path)(e)),
        }
        let pid = std::process::id().to_string();
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(pid.as_bytes()));
        written.map_err(io(&path))?;
        Ok(DirLock { _file: file })
    }
}

/// The pid the holder wrote, if it could be read.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid_until_it_lets_go() {
        let dir = std::env::temp_dir().join(format!("sfn-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = DirLock::acquire(&dir).unwrap();
        match DirLock::acquire(&dir) {
            Err(StoreError::Locked { dir: d, holder }) => {
                assert_eq!(d, dir);
                assert_eq!(holder, Some(std::process::id()));
            }
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(first);
        DirLock::acquire(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
