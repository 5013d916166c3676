//! Objects in memory, for a runtime without a data directory and for tests.

use super::keys::{check_bucket, key_segments};
use super::object::{ObjectError, ObjectMeta, ObjectStore, ObjectWriter};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{Arc, RwLock};

/// An object's bytes, in the parts it was written in (joining them would copy a large
/// object once more).
type Parts = Arc<[Vec<u8>]>;

/// One bucket's objects by key, in key order (as S3 lists them).
type Bucket = BTreeMap<String, Parts>;

/// Buckets of objects in memory; a bucket exists once something was put in it.
#[derive(Debug, Default)]
pub struct MemStore {
    buckets: Arc<RwLock<BTreeMap<String, Bucket>>>,
}

/// An object being written: its bytes so far, in parts (one growing buffer would copy
/// everything again each time it grows).
struct Upload {
    buckets: Arc<RwLock<BTreeMap<String, Bucket>>>,
    bucket: String,
    key: String,
    parts: Vec<Vec<u8>>,
}

const PART: usize = 1 << 20;

impl Write for Upload {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.parts.last_mut() {
            Some(p) if p.len() + buf.len() <= p.capacity() => p.extend_from_slice(buf),
            _ => {
                let mut p = Vec::with_capacity(PART.max(buf.len()));
                p.extend_from_slice(buf);
                self.parts.push(p);
            }
        }
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
            parts,
        } = *self;
        buckets
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(bucket)
            .or_default()
            .insert(key, parts.into());
        Ok(())
    }
}

/// Reads an object's parts in place: the part, and the offset in it.
struct Shared(Parts, usize, usize);

impl Read for Shared {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while let Some(part) = self.0.get(self.1) {
            let rest = &part[self.2..];
            if rest.is_empty() {
                self.1 += 1;
                self.2 = 0;
                continue;
            }
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.2 += n;
            return Ok(n);
        }
        Ok(0)
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
        Ok(Box::new(Shared(Arc::clone(bytes), 0, 0)))
    }

    fn put(&self, bucket: &str, key: &str, bytes: &[u8]) -> Result<(), ObjectError> {
        check_bucket(bucket)?;
        key_segments(key)?;
        self.buckets
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(bucket.into())
            .or_default()
            .insert(key.into(), Arc::from([bytes.to_vec()]));
        Ok(())
    }

    fn create(&self, bucket: &str, key: &str) -> Result<Box<dyn ObjectWriter>, ObjectError> {
        check_bucket(bucket)?;
        key_segments(key)?;
        Ok(Box::new(Upload {
            buckets: Arc::clone(&self.buckets),
            bucket: bucket.into(),
            key: key.into(),
            parts: Vec::new(),
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
                size: v.iter().map(|p| p.len() as u64).sum(),
                etag: {
                    let mut h = crc32fast::Hasher::new();
                    v.iter().for_each(|p| h.update(p));
                    format!("\"{:x}\"", h.finalize())
                },
                last_modified: "1970-01-01T00:00:00.000Z".into(),
            })
            .collect())
    }
}
