//! Objects as files: `ROOT/<bucket>/<key>`, reached through the [`Jail`], so that no link
//! below the root leads a read, a write or a listing outside it.

use super::jail::{Jail, WRITING};
use super::keys::{check_bucket, key_segments};
use super::object::{ObjectError, ObjectMeta, ObjectStore, ObjectWriter};
use std::fs::{self, File};
use std::io::{BufReader, Read, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

/// A folder per bucket under a root.
#[derive(Debug, Clone)]
pub struct DirStore {
    root: PathBuf,
    jail: Jail,
}

/// An object's folder (as segments below the root, its bucket first) and file name.
struct Place<'a> {
    dirs: Vec<&'a str>,
    name: &'a str,
}

fn place<'a>(bucket: &'a str, key: &'a str) -> Result<Place<'a>, ObjectError> {
    check_bucket(bucket)?;
    let mut dirs = vec![bucket];
    dirs.extend(key_segments(key)?);
    let name = dirs.pop().expect("a key has a segment");
    Ok(Place { dirs, name })
}

/// A refusal of the jail is a refusal of the key, not an IO failure.
fn object_error(e: std::io::Error, bucket: &str, key: &str) -> ObjectError {
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        ObjectError::Refused(format!("s3://{bucket}/{key}: {e}"))
    } else {
        ObjectError::Io(e)
    }
}

impl DirStore {
    /// Uses `root` (created if missing).
    pub fn open(root: impl Into<PathBuf>) -> std::io::Result<DirStore> {
        let root = root.into();
        fs::create_dir_all(&root)?;
        Ok(DirStore::at(root))
    }

    /// Uses `root` as it is, creating nothing (for reading a directory that may not exist).
    pub fn at(root: impl Into<PathBuf>) -> DirStore {
        let root = root.into();
        DirStore {
            jail: Jail::new(root.clone()),
            root,
        }
    }

    /// The folder whose subfolders are the buckets.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn folder(
        &self,
        bucket: &str,
        key: &str,
        p: &Place,
        create: bool,
    ) -> Result<Option<OwnedFd>, ObjectError> {
        self.jail
            .dir(&p.dirs, create)
            .map_err(|e| object_error(e, bucket, key))
    }

    fn bucket_exists(&self, bucket: &str) -> Result<bool, ObjectError> {
        Ok(self
            .jail
            .dir(&[bucket], false)
            .map_err(|e| object_error(e, bucket, ""))?
            .is_some())
    }

    /// Writes `bytes` to a new temporary file in `dir` and renames it to `name`.
    fn write_into(dir: &OwnedFd, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let (mut f, tmp) = Jail::create_temp(dir)?;
        let written = f
            .write_all(bytes)
            .and_then(|()| f.sync_all())
            .and_then(|()| Jail::rename(dir, &tmp, name));
        if written.is_err() {
            let _ = Jail::remove(dir, &tmp);
        }
        written
    }
}

/// Lists the regular files below `dir` (links and anything else are not objects).
fn walk(dir: &OwnedFd, key: &str, out: &mut Vec<ObjectMeta>) -> std::io::Result<()> {
    for e in fs::read_dir(Jail::listing_path(dir))? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(WRITING) {
            continue;
        }
        let k = if key.is_empty() {
            name.clone()
        } else {
            format!("{key}/{name}")
        };
        let t = e.file_type()?;
        if t.is_dir() {
            match Jail::subdir(dir, &name) {
                Ok(sub) => walk(&sub, &k, out)?,
                // Replaced by a link since it was listed: not followed.
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
                Err(e) => return Err(e),
            }
        } else if t.is_file() {
            // The entry's own metadata: a link swapped in is not followed.
            out.push(meta(k, &e.metadata()?)?);
        }
    }
    Ok(())
}

fn meta(key: String, m: &fs::Metadata) -> std::io::Result<ObjectMeta> {
    let modified: chrono::DateTime<chrono::Utc> = m.modified()?.into();
    Ok(ObjectMeta {
        etag: format!("\"{:x}-{:x}\"", m.len(), modified.timestamp_millis()),
        key,
        size: m.len(),
        last_modified: modified.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    })
}

impl ObjectStore for DirStore {
    fn get(&self, bucket: &str, key: &str) -> Result<Box<dyn Read + Send>, ObjectError> {
        let p = place(bucket, key)?;
        let no_key = || ObjectError::NoSuchKey {
            bucket: bucket.into(),
            key: key.into(),
        };
        let Some(dir) = self.folder(bucket, key, &p, false)? else {
            if !self.bucket_exists(bucket)? {
                return Err(ObjectError::NoSuchBucket(bucket.into()));
            }
            return Err(no_key());
        };
        match Jail::open_file(&dir, p.name) {
            Ok(f) => Ok(Box::new(BufReader::with_capacity(256 << 10, f))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(no_key()),
            Err(e) => Err(object_error(e, bucket, key)),
        }
    }

    fn put(&self, bucket: &str, key: &str, bytes: &[u8]) -> Result<(), ObjectError> {
        let p = place(bucket, key)?;
        let dir = self
            .folder(bucket, key, &p, true)?
            .ok_or_else(|| ObjectError::NoSuchBucket(bucket.into()))?;
        // Written aside and renamed, so a reader never sees half an object.
        Self::write_into(&dir, p.name, bytes).map_err(|e| object_error(e, bucket, key))
    }

    fn create(&self, bucket: &str, key: &str) -> Result<Box<dyn ObjectWriter>, ObjectError> {
        let p = place(bucket, key)?;
        let dir = self
            .folder(bucket, key, &p, true)?
            .ok_or_else(|| ObjectError::NoSuchBucket(bucket.into()))?;
        let (file, tmp) = Jail::create_temp(&dir).map_err(|e| object_error(e, bucket, key))?;
        Ok(Box::new(Upload::start(file, dir, tmp, p.name.to_string())?))
    }

    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectMeta>, ObjectError> {
        check_bucket(bucket)?;
        let dir = self
            .jail
            .dir(&[bucket], false)
            .map_err(|e| object_error(e, bucket, prefix))?
            .ok_or_else(|| ObjectError::NoSuchBucket(bucket.into()))?;
        let mut files = Vec::new();
        walk(&dir, "", &mut files).map_err(|e| object_error(e, bucket, prefix))?;
        files.retain(|o| o.key.starts_with(prefix));
        files.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(files)
    }

    fn discard_unfinished(&self, bucket: &str, folder: &str) -> Result<usize, ObjectError> {
        check_bucket(bucket)?;
        let mut dirs = vec![bucket];
        if !folder.is_empty() {
            dirs.extend(key_segments(folder)?);
        }
        let Some(dir) = self
            .jail
            .dir(&dirs, false)
            .map_err(|e| object_error(e, bucket, folder))?
        else {
            return Ok(0);
        };
        let mut removed = 0;
        for e in fs::read_dir(Jail::listing_path(&dir))? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(WRITING) && e.file_type()?.is_file() {
                Jail::remove(&dir, &name)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// An object being written aside, renamed into place when committed. Its bytes go to the
/// file on a thread of its own, in large parts: the writer (a Map Run's parent, which
/// also handles every child's report) only copies into a buffer.
struct Upload {
    part: Vec<u8>,
    /// `None` once committed (or given up).
    to_file: Option<SyncSender<Vec<u8>>>,
    writing: Option<JoinHandle<std::io::Result<File>>>,
    /// The folder, the temporary file's name in it, and the object's.
    dir: OwnedFd,
    tmp: String,
    name: String,
}

/// The size of the parts handed to the writing thread.
const PART: usize = 1 << 20;
/// How many parts may wait for the writing thread (while it flushes, the writer goes on).
const PARTS_WAITING: usize = 16;
/// The writing thread flushes to disk after this many bytes, so that the flush at commit
/// (an upload is durable once committed) finds little left: half a gigabyte of results
/// flushed at the end stalled a Map Run for most of a second.
const FLUSH_EVERY: usize = 32 << 20;

impl Upload {
    fn start(file: File, dir: OwnedFd, tmp: String, name: String) -> std::io::Result<Upload> {
        let (tx, rx) = sync_channel::<Vec<u8>>(PARTS_WAITING);
        let writing = std::thread::Builder::new()
            .name("sfn-upload".into())
            .spawn(move || {
                let mut file = file;
                let mut unflushed = 0;
                for part in rx {
                    file.write_all(&part)?;
                    unflushed += part.len();
                    if unflushed >= FLUSH_EVERY {
                        file.sync_data()?;
                        unflushed = 0;
                    }
                }
                Ok(file)
            })?;
        Ok(Upload {
            part: Vec::with_capacity(PART),
            to_file: Some(tx),
            writing: Some(writing),
            dir,
            tmp,
            name,
        })
    }

    fn send(&mut self) -> std::io::Result<()> {
        let part = std::mem::replace(&mut self.part, Vec::with_capacity(PART));
        let tx = self
            .to_file
            .as_ref()
            .ok_or_else(|| std::io::Error::other("the object is already committed"))?;
        if tx.send(part).is_err() {
            // The thread stopped on an error: report it.
            return Err(self
                .finish()
                .err()
                .unwrap_or_else(|| std::io::Error::other("the object's writing thread stopped")));
        }
        Ok(())
    }

    /// Stops the thread and returns the file it wrote.
    fn finish(&mut self) -> std::io::Result<File> {
        self.to_file = None;
        match self.writing.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(std::io::Error::other(
                "the object's writing thread panicked",
            )),
            None => Err(std::io::Error::other("the object is already committed")),
        }
    }
}

impl Write for Upload {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.part.extend_from_slice(buf);
        if self.part.len() >= PART {
            self.send()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl ObjectWriter for Upload {
    fn commit(mut self: Box<Self>) -> Result<(), ObjectError> {
        let mut written = || -> std::io::Result<()> {
            if !self.part.is_empty() {
                self.send()?;
            }
            self.finish()?.sync_all()?;
            Jail::rename(&self.dir, &self.tmp, &self.name)
        };
        let r = written();
        if r.is_err() {
            let _ = Jail::remove(&self.dir, &self.tmp);
        }
        Ok(r?)
    }
}

impl Drop for Upload {
    /// An upload given up leaves nothing behind.
    fn drop(&mut self) {
        if self.writing.is_some() {
            let _ = self.finish();
            let _ = Jail::remove(&self.dir, &self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_being_written_are_not_listed_and_do_not_share_a_file() {
        let root = std::env::temp_dir().join(format!("sfn-dirstore-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let store = DirStore::open(&root).unwrap();
        store.put("bkt", "x.part", b"mine").unwrap();
        let mut json = store.create("bkt", "r/a.json").unwrap();
        let mut lines = store.create("bkt", "r/a.jsonl").unwrap();
        json.write_all(b"[1]").unwrap();
        lines.write_all(b"1\n").unwrap();
        let keys = |s: &DirStore| -> Vec<String> {
            s.list("bkt", "")
                .unwrap()
                .into_iter()
                .map(|o| o.key)
                .collect()
        };
        assert_eq!(keys(&store), ["x.part"]);
        json.commit().unwrap();
        lines.commit().unwrap();
        assert_eq!(keys(&store), ["r/a.json", "r/a.jsonl", "x.part"]);
        let mut text = String::new();
        store
            .get("bkt", "r/a.jsonl")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "1\n");
        text.clear();
        store
            .get("bkt", "x.part")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "mine");
        // An upload given up leaves nothing.
        let mut gone = store.create("bkt", "r/gone.json").unwrap();
        gone.write_all(b"[").unwrap();
        drop(gone);
        assert_eq!(keys(&store).len(), 3);
        assert!(fs::read_dir(root.join("bkt/r")).unwrap().count() == 2);
        let _ = fs::remove_dir_all(&root);
    }
}
