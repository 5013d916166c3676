//! What an object store is: the trait both stores implement, an object as listed, and what
//! can go wrong reaching one.

use std::io::{Read, Write};

/// What went wrong reaching an object.
#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    /// No bucket of that name (S3's NoSuchBucket).
    #[error("The specified bucket does not exist: {0}")]
    NoSuchBucket(String),
    /// The bucket has no object of that key (S3's NoSuchKey).
    #[error("The specified key does not exist: {bucket}/{key}")]
    NoSuchKey {
        /// The bucket that was searched.
        bucket: String,
        /// The key that was not found.
        key: String,
    },
    /// A bucket name or key that no object can have (the message names which).
    #[error("Invalid bucket or key: {0}")]
    Invalid(String),
    /// The path leads through a link or to something that is not a file: refused, since it
    /// could lead outside the objects directory.
    #[error("Access denied: {0}")]
    Refused(String),
    /// Reading or writing the store's files failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// An object as listed (ListObjectsV2's `Contents` entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// The object's key in its bucket.
    pub key: String,
    /// The object's length in bytes.
    pub size: u64,
    /// A quoted tag that changes when the object does (not necessarily S3's MD5).
    pub etag: String,
    /// ISO-8601, as S3 writes it.
    pub last_modified: String,
}

/// A place objects live.
pub trait ObjectStore: Send + Sync {
    /// Streams an object's bytes.
    fn get(&self, bucket: &str, key: &str) -> Result<Box<dyn Read + Send>, ObjectError>;
    /// Writes a whole object, replacing any older one.
    fn put(&self, bucket: &str, key: &str, bytes: &[u8]) -> Result<(), ObjectError>;
    /// The objects whose keys start with `prefix`, in key order.
    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectMeta>, ObjectError>;
    /// Starts writing an object part by part, for objects too large to build in memory.
    fn create(&self, bucket: &str, key: &str) -> Result<Box<dyn ObjectWriter>, ObjectError>;
    /// Removes what uploads into the folder `folder` (a key prefix ending before a `/`)
    /// left unfinished when their process died; returns how many.
    fn discard_unfinished(&self, bucket: &str, folder: &str) -> Result<usize, ObjectError> {
        let _ = (bucket, folder);
        Ok(0)
    }
}

/// An object being written part by part. As with an S3 multipart upload, nobody sees it
/// (and an older object of that key stays) until it is committed.
pub trait ObjectWriter: Write + Send {
    /// Makes the whole object visible under its key, replacing any older one.
    fn commit(self: Box<Self>) -> Result<(), ObjectError>;
}
