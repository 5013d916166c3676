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

/// The size of `v` serialised compactly, without building the string.
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

    #[test]
    fn counts_utf8_bytes() {
        assert_eq!(json_size(&json!({"a": "é"})), "{\"a\":\"é\"}".len());
        assert_eq!(json_size(&json!(null)), 4);
    }
}
