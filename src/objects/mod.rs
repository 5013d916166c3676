//! The local object store behind `s3://bucket/key`: what a Distributed Map's ItemReader
//! reads and its ResultWriter writes. A folder per bucket under a root, or, for a purely
//! in-memory runtime, a map.
//!
//! Bucket names and keys are checked before they touch the file system: no key resolves
//! outside its bucket's folder, whether by `..`, an absolute path, a backslash, or any of
//! these percent-encoded.
//!
//! Imports nothing of the crate: the runtime uses it.

mod dir;
mod jail;
mod keys;
mod memory;
mod object;

pub use dir::DirStore;
pub use keys::{check_bucket, key_segments, parse_s3_uri};
pub use memory::MemStore;
pub use object::{ObjectError, ObjectMeta, ObjectStore, ObjectWriter};
