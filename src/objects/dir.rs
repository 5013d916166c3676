//! Objects as files: `ROOT/<bucket>/<key>`.

use super::{check_bucket, key_segments, ObjectError, ObjectMeta, ObjectStore, ObjectWriter};
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

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

fn walk(dir: &Path, key: &str, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
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
        let tmp = path.with_extension("part");
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
        let tmp = path.with_extension("part");
        let file = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        Ok(Box::new(Upload {
            file: Some(file),
            tmp,
            path,
        }))
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

/// An object being written aside, renamed into place when committed.
struct Upload {
    /// `None` once committed.
    file: Option<BufWriter<File>>,
    tmp: PathBuf,
    path: PathBuf,
}

impl Upload {
    fn file(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the object is already committed"))
    }
}

impl Write for Upload {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.file()?.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file()?.flush()
    }
}

impl ObjectWriter for Upload {
    fn commit(mut self: Box<Self>) -> Result<(), ObjectError> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        fs::rename(&self.tmp, &self.path)?;
        Ok(())
    }
}

impl Drop for Upload {
    /// An upload given up leaves nothing behind.
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}
