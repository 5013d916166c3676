//! A Distributed Map's ItemBatcher: items (after ItemSelector) grouped so that each child
//! execution gets `{"BatchInput": ..., "Items": [...]}`.
//!
//! AWS: a batch holds at most `MaxItemsPerBatch(Path)` items and its input is at most
//! `MaxInputBytesPerBatch(Path)` bytes (itself at most 256 KiB); at least one of the two
//! is given. `BatchInput` goes to every batch.

use crate::asl::template::Template;
use crate::data::json_size;
use crate::data::payload::eval_template;
use crate::data::{Scope, StatesError};
use serde_json::{Map, Value};

/// AWS: a batch's input is at most 256 KiB.
pub const MAX_BATCH_BYTES: u64 = 262_144;

/// The batcher, evaluated against the state's effective input.
#[derive(Debug, Clone, PartialEq)]
pub struct Batcher {
    pub max_items: Option<u64>,
    pub max_bytes: Option<u64>,
    pub batch_input: Option<Value>,
}

fn amount(spec: &Value, field: &str, scope: &Scope) -> Result<Option<u64>, StatesError> {
    let path_field = format!("{field}Path");
    let v = match (spec.get(field), spec.get(&path_field)) {
        (Some(v), _) => v.clone(),
        (None, Some(Value::String(p))) => {
            let path = crate::asl::path::Path::parse(p)
                .map_err(|e| StatesError::runtime(format!("{path_field} '{p}': {e}")))?;
            crate::data::payload::read_path(&path, scope.input, scope.context)?
        }
        _ => return Ok(None),
    };
    match v.as_u64() {
        Some(n) if n > 0 => Ok(Some(n)),
        _ => Err(StatesError::runtime(format!(
            "The {field} value \"{v}\" is not a valid positive integer."
        ))),
    }
}

/// `evaluated`: the batcher of a JSONata Map, whose expressions were evaluated already.
pub fn batcher(spec: &Value, scope: &mut Scope, evaluated: bool) -> Result<Batcher, StatesError> {
    let max_items = amount(spec, "MaxItemsPerBatch", scope)?;
    let max_bytes = amount(spec, "MaxInputBytesPerBatch", scope)?;
    if max_bytes.is_some_and(|b| b > MAX_BATCH_BYTES) {
        return Err(StatesError::runtime(format!(
            "MaxInputBytesPerBatch must be at most {MAX_BATCH_BYTES}."
        )));
    }
    if max_items.is_none() && max_bytes.is_none() {
        return Err(StatesError::runtime(
            "An ItemBatcher needs MaxItemsPerBatch(Path) or MaxInputBytesPerBatch(Path).",
        ));
    }
    let batch_input = match spec.get("BatchInput") {
        None => None,
        Some(v) if evaluated => Some(v.clone()),
        Some(t) => {
            let t = Template::compile(t).map_err(|e| {
                StatesError::runtime(format!("BatchInput cannot be evaluated: {e:?}"))
            })?;
            Some(eval_template(&t, scope)?)
        }
    };
    Ok(Batcher {
        max_items,
        max_bytes,
        batch_input,
    })
}

fn batch_value(batch_input: &Option<Value>, items: Vec<Value>) -> Value {
    let mut m = Map::new();
    if let Some(b) = batch_input {
        m.insert("BatchInput".into(), b.clone());
    }
    m.insert("Items".into(), Value::Array(items));
    Value::Object(m)
}

/// Groups items into batches as they come, in order.
pub struct Batching<'a> {
    b: &'a Batcher,
    max_items: usize,
    max_bytes: usize,
    /// The size of `{"BatchInput":...,"Items":[]}`, before any item.
    empty: usize,
    current: Vec<Value>,
    bytes: usize,
}

impl<'a> Batching<'a> {
    pub fn new(b: &'a Batcher) -> Self {
        Batching {
            b,
            max_items: b.max_items.unwrap_or(u64::MAX) as usize,
            max_bytes: b.max_bytes.unwrap_or(u64::MAX) as usize,
            empty: json_size(&batch_value(&b.batch_input, Vec::new())),
            current: Vec::new(),
            bytes: 0,
        }
    }

    /// Adds an item; returns the batch it closed (its input and how many items it holds).
    pub fn push(&mut self, item: Value) -> Result<Option<(Value, u32)>, StatesError> {
        let size = json_size(&item);
        if self.empty + size > self.max_bytes {
            return Err(StatesError::runtime(format!(
                "An item of {size} bytes does not fit in a batch of at most {} bytes (MaxInputBytesPerBatch).",
                self.max_bytes
            )));
        }
        let comma = usize::from(!self.current.is_empty());
        let closed = if !self.current.is_empty()
            && (self.current.len() >= self.max_items
                || self.empty + self.bytes + size + comma > self.max_bytes)
        {
            self.finish()
        } else {
            None
        };
        self.bytes += size + usize::from(!self.current.is_empty());
        self.current.push(item);
        Ok(closed)
    }

    /// The last batch, if it holds any item.
    pub fn finish(&mut self) -> Option<(Value, u32)> {
        if self.current.is_empty() {
            return None;
        }
        self.bytes = 0;
        let items = std::mem::take(&mut self.current);
        let n = items.len() as u32;
        Some((batch_value(&self.b.batch_input, items), n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups `items` in order; returns each batch's input and how many items it holds.
    pub fn batch(b: &Batcher, items: Vec<Value>) -> Result<(Vec<Value>, Vec<u32>), StatesError> {
        let (mut batches, mut sizes) = (Vec::new(), Vec::new());
        let mut batching = Batching::new(b);
        let mut keep = |(v, n)| {
            batches.push(v);
            sizes.push(n);
        };
        for item in items {
            if let Some(closed) = batching.push(item)? {
                keep(closed);
            }
        }
        if let Some(last) = batching.finish() {
            keep(last);
        }
        Ok((batches, sizes))
    }
    use serde_json::json;

    fn b(max_items: Option<u64>, max_bytes: Option<u64>, input: Option<Value>) -> Batcher {
        Batcher {
            max_items,
            max_bytes,
            batch_input: input,
        }
    }

    #[test]
    fn batches_close_exactly_at_their_limits() {
        let items: Vec<Value> = (0..7).map(|i| json!(i)).collect();
        let (batches, sizes) = batch(&b(Some(3), None, None), items.clone()).unwrap();
        assert_eq!(sizes, [3, 3, 1]);
        assert_eq!(batches[0], json!({"Items": [0, 1, 2]}));
        let (batches, _) = batch(&b(Some(7), None, Some(json!({"k": 1}))), items).unwrap();
        assert_eq!(
            batches,
            [json!({"BatchInput": {"k": 1}, "Items": [0, 1, 2, 3, 4, 5, 6]})]
        );
        // {"Items":[]} is 12 bytes; "aaaa" is 6: two fit in 25 bytes ({"Items":["aaaa","aaaa"]}),
        // a third would need 32.
        let words: Vec<Value> = (0..5).map(|_| json!("aaaa")).collect();
        let two = json_size(&json!({"Items": ["aaaa", "aaaa"]})) as u64;
        assert_eq!(two, 25);
        let (batches, sizes) = batch(&b(None, Some(two), None), words.clone()).unwrap();
        assert_eq!(sizes, [2, 2, 1]);
        for v in &batches {
            assert!(json_size(v) as u64 <= two);
        }
        let (_, sizes) = batch(&b(None, Some(two - 1), None), words.clone()).unwrap();
        assert_eq!(sizes, [1, 1, 1, 1, 1]);
        assert!(batch(&b(None, Some(15), None), words).is_err());
        assert_eq!(
            batch(&b(Some(2), None, None), vec![]).unwrap().1,
            Vec::<u32>::new()
        );
    }
}
