//! A Distributed Map's ItemReader, evaluated: which object (or listing) to read the items
//! from and how. The runtime does the reading.
//!
//! AWS: `arn:aws:states:::s3:getObject` reads one object as `ReaderConfig.InputType` JSON,
//! JSONL or CSV (`CSVHeaderLocation` FIRST_ROW or GIVEN with `CSVHeaders`,
//! `CSVDelimiter`), or as MANIFEST (an S3 Inventory manifest, whose CSV files hold the
//! items); `arn:aws:states:::s3:listObjectsV2` lists a bucket and prefix, each
//! object's metadata an item. `MaxItems(Path)` caps the items.

use crate::asl::model::InputType;
use crate::asl::template::Template;
use crate::data::payload::eval_template;
use crate::data::{names, Scope, StatesError};
use serde_json::Value;

/// What to read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReaderRequest {
    GetObject {
        bucket: String,
        key: String,
        input_type: InputType,
        max_items: Option<u64>,
    },
    ListObjects {
        bucket: String,
        prefix: String,
        max_items: Option<u64>,
    },
}

fn failed(cause: impl Into<String>) -> StatesError {
    StatesError::new(names::ITEM_READER_FAILED, cause)
}

fn text<'a>(params: &'a Value, field: &str) -> Result<Option<&'a str>, StatesError> {
    match params.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(failed(format!(
            "The ItemReader field '{field}' must be a string, got {other}"
        ))),
    }
}

/// Evaluates the reader against the state's effective input.
/// `evaluated`: the reader of a JSONata Map, whose expressions were evaluated already.
pub fn request(
    reader: &Value,
    scope: &mut Scope,
    evaluated: bool,
) -> Result<ReaderRequest, StatesError> {
    let resource = reader.get("Resource").and_then(Value::as_str).unwrap_or("");
    let params = match reader.get("Parameters") {
        None => Value::Object(Default::default()),
        Some(p) if evaluated => p.clone(),
        Some(p) => {
            let t = Template::compile(p).map_err(|e| {
                failed(format!(
                    "The ItemReader Parameters cannot be evaluated: {e:?}"
                ))
            })?;
            eval_template(&t, scope)?
        }
    };
    let config = reader.get("ReaderConfig").cloned().unwrap_or(Value::Null);
    let max_items = max_items(&config, scope)?;
    let bucket = text(&params, "Bucket")?
        .ok_or_else(|| failed("The ItemReader needs Parameters.Bucket"))?
        .to_string();
    match resource {
        "arn:aws:states:::s3:getObject" => Ok(ReaderRequest::GetObject {
            key: text(&params, "Key")?
                .ok_or_else(|| failed("The ItemReader needs Parameters.Key"))?
                .to_string(),
            bucket,
            input_type: input_type(&config)?,
            max_items,
        }),
        "arn:aws:states:::s3:listObjectsV2" => Ok(ReaderRequest::ListObjects {
            prefix: text(&params, "Prefix")?.unwrap_or("").to_string(),
            bucket,
            max_items,
        }),
        other => Err(failed(format!(
            "The ItemReader resource '{other}' is not supported: use arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2"
        ))),
    }
}

fn max_items(config: &Value, scope: &mut Scope) -> Result<Option<u64>, StatesError> {
    let v = match (config.get("MaxItems"), config.get("MaxItemsPath")) {
        (Some(v), _) => v.clone(),
        (None, Some(Value::String(p))) => {
            let path = crate::asl::path::Path::parse(p)
                .map_err(|e| failed(format!("MaxItemsPath '{p}': {e}")))?;
            crate::data::payload::read_path(&path, scope.input, scope.context)?
        }
        _ => return Ok(None),
    };
    match v.as_u64() {
        // AWS: 0 means no limit.
        Some(0) => Ok(None),
        Some(n) => Ok(Some(n)),
        None => Err(StatesError::runtime(format!(
            "The MaxItems value \"{v}\" is not a valid non-negative integer."
        ))),
    }
}

fn input_type(config: &Value) -> Result<InputType, StatesError> {
    let field = |name: &str| config.get(name).and_then(Value::as_str);
    match field("InputType") {
        Some("JSON") => Ok(InputType::Json),
        Some("JSONL") => Ok(InputType::Jsonl),
        Some("MANIFEST") => Ok(InputType::Manifest),
        Some("CSV") => {
            let delimiter = match field("CSVDelimiter").unwrap_or("COMMA") {
                "COMMA" => b',',
                "PIPE" => b'|',
                "SEMICOLON" => b';',
                "SPACE" => b' ',
                "TAB" => b'\t',
                other => return Err(failed(format!("Unknown CSVDelimiter '{other}'"))),
            };
            let headers = match field("CSVHeaderLocation").unwrap_or("FIRST_ROW") {
                "FIRST_ROW" => None,
                "GIVEN" => Some(
                    config
                        .get("CSVHeaders")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .map(|h| h.as_str().unwrap_or_default().to_string())
                                .collect()
                        })
                        .ok_or_else(|| {
                            failed("CSVHeaderLocation GIVEN needs CSVHeaders, a list of strings")
                        })?,
                ),
                other => return Err(failed(format!("Unknown CSVHeaderLocation '{other}'"))),
            };
            Ok(InputType::Csv { headers, delimiter })
        }
        Some(other) => Err(failed(format!(
            "The ItemReader InputType '{other}' is not supported here"
        ))),
        None => Err(failed(
            "An s3:getObject ItemReader needs ReaderConfig.InputType (JSON, JSONL, CSV or MANIFEST)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{ContextObject, ExecutionInfo};
    use serde_json::json;

    fn eval(reader: Value, input: Value) -> Result<ReaderRequest, StatesError> {
        let info = ExecutionInfo {
            id: "arn".into(),
            name: "n".into(),
            input: std::sync::Arc::new(input.clone()),
            role_arn: "r".into(),
            start_time: chrono::DateTime::UNIX_EPOCH,
            redrive_count: 0,
            state_machine_id: "sm".into(),
            state_machine_name: "sm".into(),
        };
        let ctx = ContextObject::new(&info, "M", chrono::DateTime::UNIX_EPOCH);
        let mut rng = rand::SeedableRng::seed_from_u64(1);
        let mut scope = Scope::new(&input, &ctx, &mut rng);
        request(&reader, &mut scope, false)
    }

    #[test]
    fn readers_evaluate_their_parameters_and_config() {
        let r = eval(
            json!({"Resource": "arn:aws:states:::s3:getObject",
                   "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN",
                                    "CSVHeaders": ["a", "b"], "CSVDelimiter": "SEMICOLON",
                                    "MaxItemsPath": "$.max"},
                   "Parameters": {"Bucket": "b1", "Key.$": "$.key"}}),
            json!({"key": "in/x.csv", "max": 7}),
        )
        .unwrap();
        assert_eq!(
            r,
            ReaderRequest::GetObject {
                bucket: "b1".into(),
                key: "in/x.csv".into(),
                input_type: InputType::Csv {
                    headers: Some(vec!["a".into(), "b".into()]),
                    delimiter: b';'
                },
                max_items: Some(7)
            }
        );
        let r = eval(
            json!({"Resource": "arn:aws:states:::s3:listObjectsV2",
                   "ReaderConfig": {"MaxItems": 0},
                   "Parameters": {"Bucket": "b1", "Prefix": "p/"}}),
            json!({}),
        )
        .unwrap();
        assert_eq!(
            r,
            ReaderRequest::ListObjects {
                bucket: "b1".into(),
                prefix: "p/".into(),
                max_items: None
            }
        );
    }

    #[test]
    fn bad_readers_fail_with_item_reader_failed() {
        for reader in [
            json!({"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "k"}}),
            json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "XML"},
                   "Parameters": {"Bucket": "b", "Key": "k"}}),
            json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                   "Parameters": {"Bucket": "b"}}),
            json!({"Resource": "arn:aws:states:::dynamodb:scan", "Parameters": {"Bucket": "b"}}),
        ] {
            let e = eval(reader.clone(), json!({})).unwrap_err();
            assert_eq!(e.error, names::ITEM_READER_FAILED, "{reader}");
        }
    }
}
