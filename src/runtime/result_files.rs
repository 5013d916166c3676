//! Writing a Map Run's results to the object store, in AWS's layout:
//! `{prefix}/{map run id}/manifest.json` naming `SUCCEEDED_n.json`, `FAILED_n.json` and
//! `PENDING_n.json` files, each file at most a size limit (AWS: 5 GB) and a category
//! without results writing none.

use super::map_run::MapRunRecord;
use crate::data::{names, StatesError};
use crate::interpret::result_writer::{shape, OutputType, Transformation, WriterRequest};
use crate::objects::ObjectStore;
use serde_json::{json, Value};

/// AWS splits result files at 5 GB.
pub const DEFAULT_RESULT_FILE_LIMIT: u64 = 5 << 30;

/// One child's result: its whole execution result as JSON text (what NONE writes, and
/// what a failure always is), or a succeeded child's output (what COMPACT and FLATTEN
/// shape).
#[derive(Debug)]
pub enum Entry {
    Whole(String),
    Output(Value),
}

/// The results of a run, per category, in item order.
#[derive(Debug, Default)]
pub struct RunResults {
    pub succeeded: Vec<Entry>,
    pub failed: Vec<Entry>,
    pub pending: Vec<Entry>,
}

/// Entries as JSON texts, outputs shaped by `t`.
fn texts(entries: Vec<Entry>, t: Transformation) -> Vec<String> {
    let mut out = Vec::with_capacity(entries.len());
    let mut shaped = Vec::new();
    for e in entries {
        match e {
            Entry::Whole(text) => out.push(text),
            Entry::Output(v) => {
                shape(t, v, &mut shaped);
                out.extend(shaped.drain(..).map(|v| v.to_string()));
            }
        }
    }
    out
}

fn failed(e: impl std::fmt::Display) -> StatesError {
    StatesError::new(names::RESULT_WRITER_FAILED, e.to_string())
}

/// The id part of a Map Run ARN (after its last `:`).
fn run_id(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// Writes (or, without a destination, returns) the results; returns the Map state's result.
pub fn finish(
    store: &dyn ObjectStore,
    request: &WriterRequest,
    run: &MapRunRecord,
    results: RunResults,
    file_limit: u64,
) -> Result<Value, StatesError> {
    let Some((bucket, prefix)) = &request.destination else {
        let mut out = Vec::new();
        for e in results.succeeded.into_iter().chain(results.failed) {
            match e {
                Entry::Whole(text) => out.push(serde_json::from_str(&text).unwrap_or(Value::Null)),
                Entry::Output(v) => shape(request.transformation, v, &mut out),
            }
        }
        return Ok(Value::Array(out));
    };
    let dir = if prefix.is_empty() {
        run_id(&run.map_run_arn).to_string()
    } else {
        format!("{prefix}/{}", run_id(&run.map_run_arn))
    };
    let written = (results.succeeded.len() + results.failed.len()) as u64;
    let mut files = serde_json::Map::new();
    for (name, entries) in [
        ("FAILED", results.failed),
        ("PENDING", results.pending),
        ("SUCCEEDED", results.succeeded),
    ] {
        let shaped = texts(entries, request.transformation);
        let keys = write_files(
            store,
            bucket,
            &dir,
            name,
            &shaped,
            request.output_type,
            file_limit,
        )?;
        files.insert(name.into(), Value::Array(keys));
    }
    let manifest_key = format!("{dir}/manifest.json");
    let manifest = json!({
        "DestinationBucket": bucket,
        "MapRunArn": run.map_run_arn,
        "ResultFiles": files,
    });
    store
        .put(bucket, &manifest_key, manifest.to_string().as_bytes())
        .map_err(failed)?;
    run.results_written(written, written);
    Ok(json!({
        "MapRunArn": run.map_run_arn,
        "ResultWriterDetails": {"Bucket": bucket, "Key": manifest_key},
    }))
}

/// Writes `entries` as `{name}_0.json`, `{name}_1.json`, ... of at most `limit` bytes each
/// (a single entry larger than that gets a file of its own); returns `{"Key", "Size"}` of each.
fn write_files(
    store: &dyn ObjectStore,
    bucket: &str,
    dir: &str,
    name: &str,
    entries: &[String],
    output_type: OutputType,
    limit: u64,
) -> Result<Vec<Value>, StatesError> {
    let mut keys = Vec::new();
    let mut chunk: Vec<&str> = Vec::new();
    let mut size = 0u64;
    let mut flush = |chunk: &mut Vec<&str>| -> Result<(), StatesError> {
        if chunk.is_empty() {
            return Ok(());
        }
        // Built in one buffer of the right size: result files are large.
        let (sep, open, close, ext) = match output_type {
            OutputType::Json => (",", "[", "]", "json"),
            OutputType::Jsonl => ("\n", "", "\n", "jsonl"),
        };
        let len: usize = chunk.iter().map(|c| c.len() + 1).sum::<usize>() + 2;
        let mut body = String::with_capacity(len);
        body.push_str(open);
        for (i, c) in chunk.iter().enumerate() {
            if i > 0 {
                body.push_str(sep);
            }
            body.push_str(c);
        }
        body.push_str(close);
        let key = format!("{dir}/{name}_{}.{ext}", keys.len());
        store.put(bucket, &key, body.as_bytes()).map_err(failed)?;
        keys.push(json!({"Key": key, "Size": body.len()}));
        chunk.clear();
        Ok(())
    };
    for text in entries {
        if size > 0 && size + text.len() as u64 + 1 > limit {
            flush(&mut chunk)?;
            size = 0;
        }
        size += text.len() as u64 + 1;
        chunk.push(text);
    }
    flush(&mut chunk)?;
    Ok(keys)
}
