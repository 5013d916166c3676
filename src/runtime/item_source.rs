//! Reading a Distributed Map's items from the object store, as its ItemReader says.

use crate::data::{names, StatesError};
use crate::interpret::item_reader::ReaderRequest;
use crate::objects::items::read_items;
use crate::objects::{ObjectError, ObjectStore};
use serde_json::{json, Value};

fn failed(e: impl std::fmt::Display) -> StatesError {
    StatesError::new(names::ITEM_READER_FAILED, e.to_string())
}

/// The items of `request`, in order.
pub fn read(store: &dyn ObjectStore, request: ReaderRequest) -> Result<Vec<Value>, StatesError> {
    match request {
        ReaderRequest::GetObject {
            bucket,
            key,
            input_type,
            max_items,
        } => {
            let object = store.get(&bucket, &key).map_err(failed)?;
            let mut items = Vec::new();
            read_items(object, &input_type, max_items, |v| items.push(v))
                .map_err(|e| failed(format!("s3://{bucket}/{key}: {e}")))?;
            Ok(items)
        }
        ReaderRequest::ListObjects {
            bucket,
            prefix,
            max_items,
        } => {
            let listed = store
                .list(&bucket, &prefix)
                .map_err(|e: ObjectError| failed(e))?;
            let limit = max_items.unwrap_or(u64::MAX) as usize;
            Ok(listed
                .into_iter()
                .take(limit)
                .map(|o| {
                    json!({
                        "Etag": o.etag,
                        "Key": o.key,
                        "LastModified": o.last_modified,
                        "Size": o.size,
                        "StorageClass": "STANDARD",
                    })
                })
                .collect())
        }
    }
}
