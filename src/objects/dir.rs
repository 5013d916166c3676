//! Objects as files: `ROOT/<bucket>/<key>`.

use super::{check_bucket, key_segments, ObjectError, ObjectMeta, ObjectStore, ObjectWriter};
use std::fs::{self, File};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

/// A folder per bucket under a root.
#[derive(Debug, Clone)]
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    /// Uses `root` (created if missing).
    pub fn open(root: impl Into<PathBuf>) -> std::io::Result<DirStore> {
        let root = root.into();
        fs::create_dir_all(&root)?;
        Ok(DirStore { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn bucket_dir(&self, bucket: &str) -> Result<PathBuf, ObjectError> {
        check_bucket(bucket)?;
        Ok(self.root.join(bucket))
    }

    /// The file of an object; the path is built from checked segments only, and an existing
    /// file must not lead (through a link) outside the bucket.
    fn path(&self, bucket: &str, key: &str) -> Result<PathBuf, ObjectError> {
        let dir = self.bucket_dir(bucket)?;
        let mut p = dir.clone();
        for s in key_segments(key)? {
            p.push(s);
        }
        if let (Ok(real), Ok(real_dir)) = (p.canonicalize(), dir.canonicalize()) {
            if !real.starts_with(&real_dir) {
                return Err(ObjectError::Invalid(format!("key '{key}'")));
            }
        }
        Ok(p)
    }
}

fn meta(key: String, path: &Path) -> std::io::Result<ObjectMeta> {
    let m = fs::metadata(path)?;
    let modified: chrono::DateTime<chrono::Utc> = m.modified()?.into();
    Ok(ObjectMeta {
        etag: format!("\"{:x}-{:x}\"", m.len(), modified.timestamp_millis()),
        key,
        size: m.len(),
        last_modified: modified.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    })
}

/// What an object is written to before it is renamed into place: beside it, under a name
/// no listing shows (and no other object's writing shares).
const WRITING: &str = ".sfn-writing";

fn aside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(WRITING);
    path.with_file_name(name)
}

fn walk(dir: &Path, key: &str, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(WRITING) {
            continue;
        }
        let k = if key.is_empty() {
            name
        } else {
            format!("{key}/{name}")
        };
        let t = e.file_type()?;
        if t.is_dir() {
            walk(&e.path(), &k, out)?;
        } else if t.is_file() {
            out.push((k, e.path()));
        }
    }
    Ok(())
}

impl ObjectStore for DirStore {
    fn get(&self, bucket: &str, key: &str) -> Result<Box<dyn Read + Send>, ObjectError> {
        let path = self.path(bucket, key)?;
        match File::open(&path) {
            Ok(f) => Ok(Box::new(BufReader::with_capacity(256 << 10, f))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !self.bucket_dir(bucket)?.is_dir() {
                    return Err(ObjectError::NoSuchBucket(bucket.into()));
                }
                Err(ObjectError::NoSuchKey {
                    bucket: bucket.into(),
                    key: key.into(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    fn put(&self, bucket: &str, key: &str, bytes: &[u8]) -> Result<(), ObjectError> {
        let path = self.path(bucket, key)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        // Written aside and renamed, so a reader never sees half an object.
        let tmp = aside(&path);
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &path)?;
        Ok(())
    }

    fn create(&self, bucket: &str, key: &str) -> Result<Box<dyn ObjectWriter>, ObjectError> {
        let path = self.path(bucket, key)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = aside(&path);
        let file = File::create(&tmp)?;
        Ok(Box::new(Upload::start(file, tmp, path)?))
    }

    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectMeta>, ObjectError> {
        let dir = self.bucket_dir(bucket)?;
        if !dir.is_dir() {
            return Err(ObjectError::NoSuchBucket(bucket.into()));
        }
        let mut files = Vec::new();
        walk(&dir, "", &mut files)?;
        files.retain(|(k, _)| k.starts_with(prefix));
        files.sort();
        files
            .into_iter()
            .map(|(k, p)| meta(k, &p).map_err(ObjectError::from))
            .collect()
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
    tmp: PathBuf,
    path: PathBuf,
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
    fn start(file: File, tmp: PathBuf, path: PathBuf) -> std::io::Result<Upload> {
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
            tmp,
            path,
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
            fs::rename(&self.tmp, &self.path)
        };
        let r = written();
        if r.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        Ok(r?)
    }
}

impl Drop for Upload {
    /// An upload given up leaves nothing behind.
    fn drop(&mut self) {
        if self.writing.is_some() {
            let _ = self.finish();
            let _ = fs::remove_file(&self.tmp);
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
