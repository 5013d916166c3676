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

/// The size of `v` serialised compactly, without building the string. (Recursive: call
/// it on values no deeper than a few hundred levels, as [`MAX_DEPTH`] keeps them.)
pub fn json_size(v: &Value) -> usize {
    size_within(v, usize::MAX).unwrap_or_default()
}

/// The size of `v` serialised compactly, or `None` if it nests deeper than `max` levels
/// (looking no deeper than `max + 1`): the two checks every state output gets, in one
/// walk, counted rather than written (this runs once per state).
pub fn size_within(v: &Value, max: usize) -> Option<usize> {
    Some(match v {
        Value::Null => 4,
        Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => number_size(n),
        Value::String(s) => string_size(s),
        Value::Array(a) => {
            let max = max.checked_sub(1)?;
            let mut n = 2 + a.len().saturating_sub(1);
            for c in a {
                n += size_within(c, max)?;
            }
            n
        }
        Value::Object(m) => {
            let max = max.checked_sub(1)?;
            // Braces, a colon per member and the commas between them.
            let mut n = 2 + m.len() + m.len().saturating_sub(1);
            for (k, c) in m {
                n += string_size(k) + size_within(c, max)?;
            }
            n
        }
    })
}

fn number_size(n: &serde_json::Number) -> usize {
    let digits = |mut u: u64| {
        let mut d = 1;
        while u >= 10 {
            u /= 10;
            d += 1;
        }
        d
    };
    if let Some(u) = n.as_u64() {
        digits(u)
    } else if let Some(i) = n.as_i64() {
        1 + digits(i.unsigned_abs())
    } else {
        // Floats are rare in payloads: let serde_json format them, as it will.
        let mut c = Counter(0);
        let _ = serde_json::to_writer(&mut c, n);
        c.0
    }
}

/// A string's size as serde_json escapes it: quotes, two bytes for `"`, `\\` and the
/// short escapes, six for other control characters.
fn string_size(s: &str) -> usize {
    let mut n = s.len() + 2;
    for &b in s.as_bytes() {
        match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => n += 1,
            0..=0x1f => n += 5,
            _ => {}
        }
    }
    n
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
        assert!(size_within(&v, MAX_DEPTH).is_some());
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH + 1)).is_err());
        let deeper = Value::Array(vec![v]);
        assert!(size_within(&deeper, MAX_DEPTH).is_none());
        assert!(size_within(&json!({"a": [1, {"b": 2}]}), 3).is_some());
        assert!(size_within(&json!({"a": [1, {"b": []}]}), 3).is_none());
    }

    #[test]
    fn counts_escapes_numbers_and_depth() {
        for v in [
            json!("\"\\\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é😀"),
            json!([
                u64::MAX,
                i64::MIN,
                -1,
                0,
                9,
                10,
                1.5,
                -0.25,
                1e300,
                12345678.9
            ]),
            json!({"": {}, "a": [], "b": [[]], "c\n": null, "d": true, "e": false}),
        ] {
            assert_eq!(
                json_size(&v),
                serde_json::to_string(&v).unwrap().len(),
                "{v}"
            );
        }
        let v = json!({"a": [1, {"b": 2}]});
        assert_eq!(size_within(&v, 3), Some(json_size(&v)));
        assert_eq!(size_within(&json!({"a": [1, {"b": []}]}), 3), None);
    }

    #[test]
    fn counts_utf8_bytes() {
        assert_eq!(json_size(&json!({"a": "é"})), "{\"a\":\"é\"}".len());
        assert_eq!(json_size(&json!(null)), 4);
    }
}
