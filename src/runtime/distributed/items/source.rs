//! Reading a Distributed Map's items from the object store, as its ItemReader says.

use super::formats::{count_items, inventory, read_items_skipping};
use crate::asl::model::InputType;
use crate::data::{names, StatesError};
use crate::interpret::item_reader::ReaderRequest;
use crate::objects::{ObjectError, ObjectStore};
use serde_json::{json, Value};

fn failed(e: impl std::fmt::Display) -> StatesError {
    StatesError::new(names::ITEM_READER_FAILED, e.to_string())
}

/// Gives the items of `request` to `each` in order, while it says to go on. Items
/// `skip(index)` names may be given as `null` (see `read_items_skipping`).
pub fn read_each(
    store: &dyn ObjectStore,
    request: &ReaderRequest,
    skip: &dyn Fn(u64) -> bool,
    mut each: impl FnMut(Value) -> bool,
) -> Result<(), StatesError> {
    match request {
        ReaderRequest::GetObject {
            bucket,
            key,
            input_type: InputType::Manifest,
            max_items,
        } => read_inventory(store, bucket, key, *max_items, skip, each),
        ReaderRequest::GetObject {
            bucket,
            key,
            input_type,
            max_items,
        } => {
            let object = store.get(bucket, key).map_err(failed)?;
            read_items_skipping(object, input_type, *max_items, skip, each)
                .map_err(|e| failed(format!("s3://{bucket}/{key}: {e}")))?;
            Ok(())
        }
        ReaderRequest::ListObjects {
            bucket,
            prefix,
            max_items,
        } => {
            let listed = store
                .list(bucket, prefix)
                .map_err(|e: ObjectError| failed(e))?;
            let limit = max_items.unwrap_or(u64::MAX) as usize;
            for o in listed.into_iter().take(limit) {
                let item = json!({
                    "Etag": o.etag,
                    "Key": o.key,
                    "LastModified": o.last_modified,
                    "Size": o.size,
                    "StorageClass": "STANDARD",
                });
                if !each(item) {
                    break;
                }
            }
            Ok(())
        }
    }
}

/// The rows of the inventory files an S3 Inventory manifest names, in order, each an
/// object of strings keyed by the manifest's `fileSchema`. Files ending in `.gz` are
/// gunzipped.
fn read_inventory(
    store: &dyn ObjectStore,
    bucket: &str,
    key: &str,
    max_items: Option<u64>,
    skip: &dyn Fn(u64) -> bool,
    mut each: impl FnMut(Value) -> bool,
) -> Result<(), StatesError> {
    let manifest = store.get(bucket, key).map_err(failed)?;
    let inv = inventory(manifest).map_err(|e| failed(format!("s3://{bucket}/{key}: {e}")))?;
    let rows = InputType::Csv {
        headers: Some(inv.headers),
        delimiter: b',',
    };
    let mut left = max_items.unwrap_or(u64::MAX);
    let (mut before, mut stopped) = (0u64, false);
    for file in &inv.keys {
        if left == 0 || stopped {
            break;
        }
        let object = store.get(&inv.bucket, file).map_err(failed)?;
        let object: Box<dyn std::io::Read> = if file.ends_with(".gz") {
            Box::new(flate2::read::MultiGzDecoder::new(object))
        } else {
            Box::new(object)
        };
        let offset = before;
        let n = read_items_skipping(object, &rows, Some(left), &|i| skip(offset + i), |v| {
            let go_on = each(v);
            stopped = !go_on;
            go_on
        })
        .map_err(|e| failed(format!("s3://{}/{file}: {e}", inv.bucket)))?;
        before += n;
        left -= n;
    }
    Ok(())
}

/// How many items `read_each` would give, without making them (objects are still checked).
pub fn count(store: &dyn ObjectStore, request: &ReaderRequest) -> Result<u64, StatesError> {
    match request {
        ReaderRequest::GetObject {
            bucket,
            key,
            input_type,
            max_items,
        } if *input_type != InputType::Manifest => {
            let object = store.get(bucket, key).map_err(failed)?;
            count_items(object, input_type, *max_items)
                .map_err(|e| failed(format!("s3://{bucket}/{key}: {e}")))
        }
        ReaderRequest::GetObject { .. } | ReaderRequest::ListObjects { .. } => {
            let mut n = 0;
            read_each(store, request, &|_| false, |_| {
                n += 1;
                true
            })?;
            Ok(n)
        }
    }
}
