//! A Distributed Map's items: read from the ItemReader's objects (or the state's input),
//! selected and batched, and fed to the children as they start.

pub(crate) mod feed;
pub(crate) mod formats;
pub(crate) mod source;
