//! Objects in memory, for a runtime without a data directory and for tests.

use super::{check_bucket, key_segments, ObjectError, ObjectMeta, ObjectStore, ObjectWriter};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{Arc, RwLock};

/// One bucket's objects by key, in key order (as S3 lists them).
type Bucket = BTreeMap<String, Arc<[u8]>>;

/// Buckets of objects in memory; a bucket exists once something was put in it.
#[derive(Debug, Default)]
pub struct MemStore {
    buckets: Arc<RwLock<BTreeMap<String, Bucket>>>,
}

/// An object being written: its bytes so far.
struct Upload {
    buckets: Arc<RwLock<BTreeMap<String, Bucket>>>,
    bucket: String,
    key: String,
    bytes: Vec<u8>,
}

impl Write for Upload {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl ObjectWriter for Upload {
    fn commit(self: Box<Self>) -> Result<(), ObjectError> {
        let Upload {
            buckets,
            bucket,
            key,
            bytes,
        } = *self;
        buckets
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(bucket)
            .or_default()
            .insert(key, bytes.into());
        Ok(())
    }
}

/// Reads a shared byte buffer without copying it.
struct Shared(Arc<[u8]>, usize);

impl Read for Shared {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.0[self.1..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.1 += n;
        Ok(n)
    }
}

impl ObjectStore for MemStore {
    fn get(&self, bucket: &str, key: &str) -> Result<Box<dyn Read + Send>, ObjectError> {
        check_bucket(bucket)?;
        key_segments(key)?;
        let buckets = self.buckets.read().unwrap_or_else(|e| e.into_inner());
        let b = buckets
            .get(bucket)
            .ok_or_else(|| ObjectError::NoSuchBucket(bucket.into()))?;
        let bytes = b.get(key).ok_or_else(|| ObjectError::NoSuchKey {
            bucket: bucket.into(),
            key: key.into(),
        })?;
        Ok(Box::new(Shared(Arc::clone(bytes), 0)))
    }

    fn put(&self, bucket: &str, key: &str, bytes: &[u8]) -> Result<(), ObjectError> {
        check_bucket(bucket)?;
        key_segments(key)?;
        self.buckets
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(bucket.into())
            .or_default()
            .insert(key.into(), bytes.into());
        Ok(())
    }

    fn create(&self, bucket: &str, key: &str) -> Result<Box<dyn ObjectWriter>, ObjectError> {
        check_bucket(bucket)?;
        key_segments(key)?;
        Ok(Box::new(Upload {
            buckets: Arc::clone(&self.buckets),
            bucket: bucket.into(),
            key: key.into(),
            bytes: Vec::new(),
        }))
    }

    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectMeta>, ObjectError> {
        check_bucket(bucket)?;
        let buckets = self.buckets.read().unwrap_or_else(|e| e.into_inner());
        let b = buckets
            .get(bucket)
            .ok_or_else(|| ObjectError::NoSuchBucket(bucket.into()))?;
        Ok(b.range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| ObjectMeta {
                key: k.clone(),
                size: v.len() as u64,
                etag: format!("\"{:x}\"", crc32fast::hash(v)),
                last_modified: "1970-01-01T00:00:00.000Z".into(),
            })
            .collect())
    }
}
