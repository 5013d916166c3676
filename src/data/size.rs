//! Payload sizes as AWS counts them: bytes of the UTF-8 JSON text.

use serde_json::Value;
use std::io::Write;

struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The deepest nesting of arrays and objects a value built by states may have. JSON read
/// from anywhere (an input, a mock, the data directory) is read no deeper than this by
/// serde_json, so a deeper value could not be read back after a restart; and cloning,
/// dropping or serialising a value recurses once per level, so one wrapped in itself a
/// few thousand times would overflow the stack.
pub const MAX_DEPTH: usize = 127;

/// Whether `v` nests deeper than `max` levels; looks no deeper than `max + 1`.
pub fn deeper_than(v: &Value, max: usize) -> bool {
    match v {
        Value::Array(a) => max == 0 || a.iter().any(|c| deeper_than(c, max - 1)),
        Value::Object(m) => max == 0 || m.values().any(|c| deeper_than(c, max - 1)),
        _ => false,
    }
}

/// The size of `v` serialised compactly, without building the string. (Recursive: call
/// it on values no deeper than a few hundred levels, as [`MAX_DEPTH`] keeps them.)
pub fn json_size(v: &Value) -> usize {
    let mut c = Counter(0);
    // Writing to a counter cannot fail.
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(levels: usize) -> String {
        "[".repeat(levels) + &"]".repeat(levels)
    }

    #[test]
    fn max_depth_is_what_serde_json_reads_back() {
        let v: Value = serde_json::from_str(&nested(MAX_DEPTH)).unwrap();
        assert!(!deeper_than(&v, MAX_DEPTH));
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH + 1)).is_err());
        let deeper = Value::Array(vec![v]);
        assert!(deeper_than(&deeper, MAX_DEPTH));
        assert!(!deeper_than(&json!({"a": [1, {"b": 2}]}), 3));
        assert!(deeper_than(&json!({"a": [1, {"b": []}]}), 3));
    }

    #[test]
    fn counts_utf8_bytes() {
        assert_eq!(json_size(&json!({"a": "é"})), "{\"a\":\"é\"}".len());
        assert_eq!(json_size(&json!(null)), 4);
    }
}
