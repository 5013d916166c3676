//! A Distributed Map's ResultWriter, evaluated: where the child executions' results go
//! and in what shape. The runtime writes them.
//!
//! AWS: `Resource: arn:aws:states:::s3:putObject` with `Parameters` `Bucket`/`Prefix`
//! writes `{Prefix}/{map run id}/manifest.json` and `SUCCEEDED_n.json`, `FAILED_n.json`,
//! `PENDING_n.json`, and the state's result becomes `{"MapRunArn", "ResultWriterDetails":
//! {"Bucket", "Key"}}`. `WriterConfig.Transformation` is NONE (each child's whole execution
//! result: the default when writing), COMPACT (its output only: the default otherwise) or
//! FLATTEN (outputs, arrays flattened one level); a failed child's result is always whole.
//! `WriterConfig.OutputType` JSON or JSONL shapes the files. With only a WriterConfig,
//! nothing is written and the transformed results are the state's result.

use crate::asl::template::Template;
use crate::data::payload::eval_template;
use crate::data::{names, Scope, StatesError};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transformation {
    None,
    Compact,
    Flatten,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputType {
    Json,
    Jsonl,
}

/// What to do with the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriterRequest {
    /// Bucket and prefix to write to; `None`: results are not written.
    pub destination: Option<(String, String)>,
    pub transformation: Transformation,
    pub output_type: OutputType,
}

fn failed(cause: impl Into<String>) -> StatesError {
    StatesError::new(names::RESULT_WRITER_FAILED, cause)
}

/// Evaluates the writer against the state's effective input.
/// `evaluated`: the writer of a JSONata Map, whose expressions were evaluated already.
pub fn request(
    writer: &Value,
    scope: &mut Scope,
    evaluated: bool,
) -> Result<WriterRequest, StatesError> {
    let config = writer.get("WriterConfig");
    let field = |name: &str| config.and_then(|c| c.get(name)).and_then(Value::as_str);
    let destination = match writer.get("Resource").and_then(Value::as_str) {
        None => None,
        Some("arn:aws:states:::s3:putObject") => {
            let params = match writer.get("Parameters") {
                None => Value::Null,
                Some(p) if evaluated => p.clone(),
                Some(p) => {
                    let t = Template::compile(p).map_err(|e| {
                        failed(format!("The ResultWriter Parameters cannot be evaluated: {e:?}"))
                    })?;
                    eval_template(&t, scope)?
                }
            };
            let bucket = params
                .get("Bucket")
                .and_then(Value::as_str)
                .ok_or_else(|| failed("The ResultWriter needs Parameters.Bucket"))?;
            let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
            Some((bucket.to_string(), prefix.trim_end_matches('/').to_string()))
        }
        Some(other) => {
            return Err(failed(format!(
                "The ResultWriter resource '{other}' is not supported: use arn:aws:states:::s3:putObject"
            )))
        }
    };
    let transformation = match field("Transformation") {
        None if destination.is_some() => Transformation::None,
        None | Some("COMPACT") => Transformation::Compact,
        Some("NONE") => Transformation::None,
        Some("FLATTEN") => Transformation::Flatten,
        Some(other) => return Err(failed(format!("Unknown Transformation '{other}'"))),
    };
    let output_type = match field("OutputType") {
        None | Some("JSON") => OutputType::Json,
        Some("JSONL") => OutputType::Jsonl,
        Some(other) => return Err(failed(format!("Unknown OutputType '{other}'"))),
    };
    Ok(WriterRequest {
        destination,
        transformation,
        output_type,
    })
}

/// A succeeded child's output as COMPACT (as it is) or FLATTEN (an array's elements in
/// its place) shape it. (NONE keeps the whole execution result instead.)
pub fn shape(t: Transformation, output: Value, out: &mut Vec<Value>) {
    match (t, output) {
        (Transformation::Flatten, Value::Array(items)) => out.extend(items),
        (_, v) => out.push(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn transformations_shape_outputs() {
        let mut out = Vec::new();
        shape(Transformation::Flatten, json!([1, 2]), &mut out);
        shape(Transformation::Flatten, json!({"a": 1}), &mut out);
        shape(Transformation::Compact, json!([3]), &mut out);
        assert_eq!(out, vec![json!(1), json!(2), json!({"a": 1}), json!([3])]);
    }
}
