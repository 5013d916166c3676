//! A Map Run child's execution result, as AWS writes it in result files (Transformation
//! NONE) and in a Map state's output for a tolerated failure. Written by hand into one
//! buffer: a run of millions of children writes one for each, and the input and output go
//! straight into their escaped string fields instead of through a text of their own.

use crate::runtime::record::ExecutionRecord;

use crate::data::time::write_iso;
use crate::types::ExecutionStatus;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::cell::RefCell;
use std::io::Write;

/// Escapes JSON text written to it as the contents of a JSON string. JSON text holds no
/// raw control characters, so only quotes and backslashes need escaping: found with
/// `memchr`, not byte by byte.
struct Escaping<'a>(&'a mut Vec<u8>);

impl Write for Escaping<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = memchr::memchr2(b'"', b'\\', rest) {
            self.0.extend_from_slice(&rest[..i]);
            self.0.push(b'\\');
            self.0.push(rest[i]);
            rest = &rest[i + 1..];
        }
        self.0.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(short);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    // ARNs and names, the usual strings here, need no escaping: one pass without branches
    // says so.
    let plain = !s.bytes().fold(false, |esc, b| {
        esc | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.extend_from_slice(s.as_bytes());
    } else {
        escape_into(out, s.as_bytes());
    }
    out.push(b'"');
}

/// A JSON value as a JSON string holding its text.
fn value_string(out: &mut Vec<u8>, v: &Value) {
    out.push(b'"');
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(Escaping(out), v);
    out.push(b'"');
}

/// A date as a JSON string. Children that start and stop within the same millisecond
/// (most, at a hundred thousand a second) share one formatting, kept per thread.
fn date_string(out: &mut Vec<u8>, t: DateTime<Utc>) {
    thread_local! {
        static LAST: RefCell<(i64, Vec<u8>)> = const { RefCell::new((i64::MIN, Vec::new())) };
    }
    let ms = t.timestamp_millis();
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != ms || last.1.is_empty() {
            last.1.clear();
            write_iso(&mut last.1, t);
            last.0 = ms;
        }
        out.push(b'"');
        out.extend_from_slice(&last.1);
        out.push(b'"');
    });
}

/// The execution result of `r`, a child execution that has ended. `output` is its output
/// when the record does not keep it (an EXPRESS child, which nothing can describe).
pub(crate) fn execution_result(r: &ExecutionRecord, output: Option<&Value>) -> String {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(b"{\"ExecutionArn\":");
    string(&mut out, r.execution_arn.as_str());
    out.extend_from_slice(b",\"Input\":");
    value_string(&mut out, &r.input);
    out.extend_from_slice(b",\"InputDetails\":{\"Included\":true},\"Name\":");
    string(&mut out, r.name.as_str());
    let (status, redrive_count, stop_date) = r.with_progress(|p| {
        if p.status == ExecutionStatus::SUCCEEDED {
            if let Some(v) = output.or(p.output.as_ref()) {
                out.extend_from_slice(b",\"Output\":");
                value_string(&mut out, v);
            }
            out.extend_from_slice(b",\"OutputDetails\":{\"Included\":true}");
        } else {
            if let Some(e) = &p.error {
                out.extend_from_slice(b",\"Error\":");
                string(&mut out, e);
            }
            if let Some(c) = &p.cause {
                out.extend_from_slice(b",\"Cause\":");
                string(&mut out, c);
            }
        }
        (p.status, p.redrive_count, p.stop_date)
    });
    out.extend_from_slice(b",\"RedriveCount\":");
    let _ = write!(out, "{redrive_count}");
    out.extend_from_slice(b",\"StartDate\":");
    date_string(&mut out, r.start_date);
    out.extend_from_slice(b",\"StateMachineArn\":");
    string(&mut out, r.state_machine_arn.as_str());
    out.extend_from_slice(b",\"Status\":");
    string(&mut out, status.as_str());
    out.extend_from_slice(b",\"StopDate\":");
    match stop_date {
        Some(t) => date_string(&mut out, t),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
    // Only valid UTF-8 went in: JSON text, and escapes of single ASCII bytes.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::time::iso;
    use crate::types::StateMachineType;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    /// The same result through serde, field by field.
    fn reference(r: &ExecutionRecord) -> Value {
        let s = r.summary();
        let ok = s.status == ExecutionStatus::SUCCEEDED;
        let mut v = json!({
            "ExecutionArn": r.execution_arn,
            "Input": r.input.to_string(),
            "InputDetails": {"Included": true},
            "Name": r.name,
            "RedriveCount": s.redrive_count,
            "StartDate": iso(r.start_date),
            "StateMachineArn": r.state_machine_arn,
            "Status": s.status.as_str(),
            "StopDate": s.stop_date.map(iso),
        });
        if ok {
            if let Some(o) = r.output_text() {
                v["Output"] = json!(o);
            }
            v["OutputDetails"] = json!({"Included": true});
        } else {
            if let Some(e) = s.error {
                v["Error"] = json!(e);
            }
            if let Some(c) = s.cause {
                v["Cause"] = json!(c);
            }
        }
        v
    }

    #[test]
    fn results_are_the_json_serde_would_write() {
        let t = Utc.timestamp_opt(1_700_000_000, 5_000_000).unwrap();
        let input = json!({"q": "say \"hi\"\n\\", "ctl": "\u{1}", "u": "é", "n": [1, 2.5, null]});
        // A name with a quote, which AWS would refuse, to test the escaping.
        let machine: crate::types::StateMachineArn =
            "arn:aws:states:us-east-1:123456789012:stateMachine:M/L"
                .parse()
                .unwrap();
        let r = ExecutionRecord::new(
            machine.execution("a\"b"),
            machine,
            crate::types::Name::trusted("a\"b".into()),
            input.clone(),
            t,
            StateMachineType::EXPRESS,
        );
        r.with_progress(|p| {
            p.status = ExecutionStatus::SUCCEEDED;
            p.output = Some(json!({"out": "tab\there"}));
            p.stop_date = Some(t);
        });
        let text = execution_result(&r, None);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, reference(&r));
        let back: Value = serde_json::from_str(parsed["Input"].as_str().unwrap()).unwrap();
        assert_eq!(back, input);
        r.with_progress(|p| {
            p.status = ExecutionStatus::FAILED;
            p.output = None;
            p.error = Some("E.\"x\"".into());
            p.cause = Some("line\nbreak".into());
            p.redrive_count = 2;
        });
        let parsed: Value = serde_json::from_str(&execution_result(&r, None)).unwrap();
        assert_eq!(parsed, reference(&r));
    }
}
