//! Items from an object, as a Distributed Map's ItemReader reads them: a JSON array, JSON
//! Lines, or CSV rows (as objects of strings keyed by the header). Items are handed to a
//! callback one at a time as they are parsed, so a file is never held in memory whole.

use crate::asl::model::InputType;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};

/// Why items could not be read (the runtime reports it as `States.ItemReaderFailed`).
#[derive(Debug, thiserror::Error)]
pub enum ItemsError {
    #[error("{0}")]
    Format(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads items from `input`, at most `max_items` of them (all when `None`), giving each
/// to `each`, which says whether to go on. Returns how many were read.
pub fn read_items(
    input: impl Read,
    kind: &InputType,
    max_items: Option<u64>,
    each: impl FnMut(Value) -> bool,
) -> Result<u64, ItemsError> {
    read_items_skipping(input, kind, max_items, &|_| false, each)
}

/// As `read_items`, but the items `skip(index)` names may be given as `null` without being
/// parsed (JSON Lines: a redrive reads past the items it keeps at the cost of finding
/// their lines).
pub fn read_items_skipping(
    input: impl Read,
    kind: &InputType,
    max_items: Option<u64>,
    skip: &dyn Fn(u64) -> bool,
    mut each: impl FnMut(Value) -> bool,
) -> Result<u64, ItemsError> {
    let limit = max_items.unwrap_or(u64::MAX);
    if limit == 0 {
        return Ok(0);
    }
    let mut n = 0u64;
    let mut take = |v: Option<Value>| {
        n += 1;
        each(v.unwrap_or(Value::Null)) && n < limit
    };
    match kind {
        InputType::Json => json_array(input, &mut take)?,
        InputType::Jsonl => json_lines(input, skip, &mut take)?,
        InputType::Csv { headers, delimiter } => {
            csv_rows(input, headers.as_deref(), *delimiter, &mut take)?
        }
        InputType::Manifest => return Err(through_the_store()),
    }
    Ok(n)
}

fn through_the_store() -> ItemsError {
    ItemsError::Format("an S3 Inventory manifest is read through the object store".into())
}

/// What an S3 Inventory `manifest.json` says: where its files are and their columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// The bucket holding the inventory files (`destinationBucket`, an S3 bucket ARN).
    pub bucket: String,
    /// The inventory files, in order (`files[].key`).
    pub keys: Vec<String>,
    /// The columns of each row (`fileSchema`).
    pub headers: Vec<String>,
}

/// Reads an S3 Inventory manifest. Only CSV inventories are read (as AWS: ORC and Parquet
/// inventories are not Distributed Map input).
pub fn inventory(input: impl Read) -> Result<Inventory, ItemsError> {
    let m: Value = serde_json::from_reader(input)
        .map_err(|e| ItemsError::Format(format!("the manifest is not JSON: {e}")))?;
    let text = |field: &str| {
        m.get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| ItemsError::Format(format!("the manifest has no {field}")))
    };
    let format = text("fileFormat")?;
    if format != "CSV" {
        return Err(ItemsError::Format(format!(
            "the inventory's fileFormat is {format}; only CSV inventories can be read"
        )));
    }
    let destination = text("destinationBucket")?;
    let bucket = destination
        .strip_prefix("arn:aws:s3:::")
        .unwrap_or(destination)
        .to_string();
    let headers = text("fileSchema")?
        .split(',')
        .map(|h| h.trim().to_string())
        .collect();
    let keys = m
        .get("files")
        .and_then(Value::as_array)
        .ok_or_else(|| ItemsError::Format("the manifest has no files".into()))?
        .iter()
        .map(|f| {
            f.get("key")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| ItemsError::Format("a manifest file has no key".into()))
        })
        .collect::<Result<_, _>>()?;
    Ok(Inventory {
        bucket,
        keys,
        headers,
    })
}

/// Counts the items `read_items` would read, checking them as it goes but building none.
pub fn count_items(
    input: impl Read,
    kind: &InputType,
    max_items: Option<u64>,
) -> Result<u64, ItemsError> {
    let limit = max_items.unwrap_or(u64::MAX);
    if limit == 0 {
        return Ok(0);
    }
    let mut n = 0u64;
    let mut take = |_: Option<IgnoredAny>| {
        n += 1;
        n < limit
    };
    match kind {
        InputType::Json => json_array(input, &mut take)?,
        InputType::Jsonl => json_lines(input, &|_| false, &mut take)?,
        InputType::Csv { .. } => return read_items(input, kind, max_items, |_| true),
        InputType::Manifest => return Err(through_the_store()),
    }
    Ok(n)
}

/// The message a visitor stops the parse with once it has taken enough items.
const ENOUGH: &str = "sfn-runtime: enough items";

struct Each<'a, T>(&'a mut dyn FnMut(Option<T>) -> bool);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Each<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<T>()? {
            if !(self.0)(Some(v)) {
                return Err(de::Error::custom(ENOUGH));
            }
        }
        Ok(())
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Each<'_, T> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

fn json_array<T: DeserializeOwned>(
    input: impl Read,
    take: &mut dyn FnMut(Option<T>) -> bool,
) -> Result<(), ItemsError> {
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(256 << 10, input));
    match Each(take).deserialize(&mut de) {
        Ok(()) => de
            .end()
            .map_err(|e| ItemsError::Format(format!("the JSON file has more than one value: {e}"))),
        Err(e) if e.to_string().starts_with(ENOUGH) => Ok(()),
        Err(e) if e.is_io() => Err(ItemsError::Io(e.into())),
        Err(e) => Err(ItemsError::Format(format!(
            "the JSON file must hold an array of items: {e}"
        ))),
    }
}

/// The longest line of a JSON Lines or CSV file: an item is far smaller (it must fit a
/// child's input), and a file without newlines (a decompressed bomb) must not be read
/// into one buffer.
pub const MAX_LINE: usize = 8 << 20;

/// Fails a read once a line grows past [`MAX_LINE`] bytes.
struct LineLimit<R> {
    inner: R,
    since_newline: usize,
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = &buf[..n];
        // The line that ends in this read (or goes on past it), then the one it leaves open.
        let first_end = memchr::memchr(b'\n', read).unwrap_or(n);
        let mut longest = self.since_newline + first_end;
        self.since_newline = match memchr::memrchr(b'\n', read) {
            Some(at) => n - at - 1,
            None => longest,
        };
        // Lines wholly inside this read are at most as long as the read.
        if first_end < n {
            longest = longest.max(self.since_newline);
        }
        if longest > MAX_LINE {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a line is longer than {MAX_LINE} bytes"),
            ));
        }
        Ok(n)
    }
}

fn line_limited<R: Read>(inner: R) -> LineLimit<R> {
    LineLimit {
        inner,
        since_newline: 0,
    }
}

fn json_lines<T: DeserializeOwned>(
    input: impl Read,
    skip: &dyn Fn(u64) -> bool,
    take: &mut dyn FnMut(Option<T>) -> bool,
) -> Result<(), ItemsError> {
    let mut reader = BufReader::with_capacity(256 << 10, line_limited(input));
    // One buffer for every line: a file of millions of lines costs no allocation a line.
    let mut line = Vec::new();
    let (mut number, mut index) = (0u64, 0u64);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        index += 1;
        let v = if skip(index - 1) {
            None
        } else {
            Some(
                serde_json::from_slice(&line)
                    .map_err(|e| ItemsError::Format(format!("line {number} is not JSON: {e}")))?,
            )
        };
        if !take(v) {
            return Ok(());
        }
    }
}

fn csv_rows(
    input: impl Read,
    given: Option<&[String]>,
    delimiter: u8,
    take: &mut dyn FnMut(Option<Value>) -> bool,
) -> Result<(), ItemsError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(line_limited(input));
    let mut records = reader.records();
    let headers: Vec<String> = match given {
        Some(h) => h.to_vec(),
        None => match records.next() {
            None => return Ok(()),
            Some(r) => r.map_err(csv_error)?.iter().map(str::to_string).collect(),
        },
    };
    for (i, r) in records.enumerate() {
        let r = r.map_err(csv_error)?;
        if r.len() != headers.len() {
            return Err(ItemsError::Format(format!(
                "CSV row {} has {} fields, the header has {}",
                i + 1,
                r.len(),
                headers.len()
            )));
        }
        let item: Map<String, Value> = headers
            .iter()
            .zip(r.iter())
            .map(|(h, v)| (h.clone(), Value::String(v.to_string())))
            .collect();
        if !take(Some(Value::Object(item))) {
            break;
        }
    }
    Ok(())
}

fn csv_error(e: csv::Error) -> ItemsError {
    ItemsError::Format(format!("the CSV file cannot be read: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_line_past_the_limit_is_refused_before_it_is_read_whole() {
        let long = "x".repeat(MAX_LINE + 10);
        for kind in [
            InputType::Jsonl,
            InputType::Csv {
                headers: None,
                delimiter: b',',
            },
        ] {
            let text = format!("{{\"a\": 1}}\n\"{long}\"\n");
            match all(&text, &kind, None) {
                Ok(items) => panic!("{} items read", items.len()),
                Err(e) => assert!(e.to_string().contains("longer than"), "{e}"),
            }
        }
        // Lines up to the limit are fine.
        let ok = format!("\"{}\"\n", "y".repeat(1000));
        assert_eq!(all(&ok, &InputType::Jsonl, None).unwrap().len(), 1);
    }

    fn all(text: &str, kind: &InputType, max: Option<u64>) -> Result<Vec<Value>, ItemsError> {
        let mut out = Vec::new();
        read_items(text.as_bytes(), kind, max, |v| {
            out.push(v);
            true
        })?;
        Ok(out)
    }

    #[test]
    fn json_arrays_stream_and_stop_at_max_items() {
        let text = r#"[1, {"a": [2]}, "x", null]"#;
        assert_eq!(
            all(text, &InputType::Json, None).unwrap(),
            vec![json!(1), json!({"a": [2]}), json!("x"), json!(null)]
        );
        assert_eq!(all(text, &InputType::Json, Some(2)).unwrap().len(), 2);
        assert_eq!(all(text, &InputType::Json, Some(0)).unwrap().len(), 0);
        // Stopping early does not read (or judge) the rest.
        assert_eq!(
            all("[1, 2, oops", &InputType::Json, Some(2)).unwrap().len(),
            2
        );
        for bad in [r#"{"a": 1}"#, "[1, 2", "[1] [2]", "nope"] {
            assert!(
                matches!(all(bad, &InputType::Json, None), Err(ItemsError::Format(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn counting_checks_items_without_building_them() {
        let count = |t: &str, k: &InputType, m| count_items(t.as_bytes(), k, m);
        assert_eq!(
            count("[1, {\"a\": [2]}, \"x\"]", &InputType::Json, None).unwrap(),
            3
        );
        assert_eq!(count("[1, 2, 3]", &InputType::Json, Some(2)).unwrap(), 2);
        assert_eq!(
            count("{\"a\":1}\n\n[2]\n", &InputType::Jsonl, None).unwrap(),
            2
        );
        assert!(count("{\"a\":1}\nnot json\n", &InputType::Jsonl, None).is_err());
        assert!(count("[1, 2", &InputType::Json, None).is_err());
        let csv = InputType::Csv {
            headers: None,
            delimiter: b',',
        };
        assert_eq!(count("a,b\n1,2\n3,4\n", &csv, None).unwrap(), 2);
    }

    #[test]
    fn skipped_json_lines_are_not_parsed() {
        let mut out = Vec::new();
        let text = "{\"a\":1}\n\nnot json\n[3]\n";
        read_items_skipping(text.as_bytes(), &InputType::Jsonl, None, &|i| i == 1, |v| {
            out.push(v);
            true
        })
        .unwrap();
        assert_eq!(out, vec![json!({"a": 1}), Value::Null, json!([3])]);
    }

    #[test]
    fn inventory_manifests_name_their_csv_files_and_columns() {
        let m = r#"{"sourceBucket": "src", "destinationBucket": "arn:aws:s3:::inv",
            "version": "2016-11-30", "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size",
            "files": [{"key": "src/cfg/data/a.csv.gz", "size": 10, "MD5checksum": "x"},
                      {"key": "src/cfg/data/b.csv", "size": 10, "MD5checksum": "y"}]}"#;
        assert_eq!(
            inventory(m.as_bytes()).unwrap(),
            Inventory {
                bucket: "inv".into(),
                keys: vec!["src/cfg/data/a.csv.gz".into(), "src/cfg/data/b.csv".into()],
                headers: vec!["Bucket".into(), "Key".into(), "Size".into()],
            }
        );
        let orc = m.replace("\"CSV\"", "\"ORC\"");
        assert!(inventory(orc.as_bytes()).is_err());
        assert!(inventory(&b"{}"[..]).is_err());
        assert!(read_items(m.as_bytes(), &InputType::Manifest, None, |_| true).is_err());
    }

    #[test]
    fn json_lines_skip_blank_lines() {
        let text = "{\"a\":1}\n\n[2]\n\"s\"\n";
        assert_eq!(
            all(text, &InputType::Jsonl, None).unwrap(),
            vec![json!({"a": 1}), json!([2]), json!("s")]
        );
        assert_eq!(all(text, &InputType::Jsonl, Some(1)).unwrap().len(), 1);
        assert!(all("{\"a\":1}\nnot json\n", &InputType::Jsonl, None).is_err());
    }

    #[test]
    fn csv_rows_become_objects_of_strings() {
        let first_row = InputType::Csv {
            headers: None,
            delimiter: b',',
        };
        let text = "id,name\n1,\"a, b\"\n2,c\n";
        assert_eq!(
            all(text, &first_row, None).unwrap(),
            vec![
                json!({"id": "1", "name": "a, b"}),
                json!({"id": "2", "name": "c"})
            ]
        );
        let given = InputType::Csv {
            headers: Some(vec!["x".into(), "y".into()]),
            delimiter: b'|',
        };
        assert_eq!(
            all("1|2\n3|4\n", &given, Some(1)).unwrap(),
            vec![json!({"x": "1", "y": "2"})]
        );
        assert!(matches!(
            all("a,b\n1\n", &first_row, None),
            Err(ItemsError::Format(_))
        ));
        assert!(all("", &first_row, None).unwrap().is_empty());
    }
}
