//! Writing a Map Run's results to the object store, in AWS's layout:
//! `{prefix}/{map run id}/manifest.json` naming `SUCCEEDED_n.json`, `FAILED_n.json` and
//! `PENDING_n.json` files, each file at most a size limit (AWS: 5 GB) and a category
//! without results writing none.

use crate::data::{names, StatesError};
use crate::interpret::result_writer::{shape, OutputType, WriterRequest};
use crate::objects::{ObjectStore, ObjectWriter};
use crate::runtime::distributed::map_run::MapRunRecord;
use crate::types::ChildResult;
use serde_json::{json, Value};
use std::io::Read;
use std::sync::Arc;

/// The results of a run kept in memory, per category, in item order.
#[derive(Debug, Default)]
pub struct RunResults {
    pub succeeded: Vec<ChildResult>,
    pub failed: Vec<ChildResult>,
}

fn failed(e: impl std::fmt::Display) -> StatesError {
    StatesError::new(names::RESULT_WRITER_FAILED, e.to_string())
}

/// The id part of a Map Run ARN (after its last `:`).
fn run_id(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// Without a destination (WriterConfig alone), the results shaped as the state's result.
pub fn in_memory(request: &WriterRequest, results: RunResults) -> Value {
    let mut out = Vec::new();
    for e in results.succeeded.into_iter().chain(results.failed) {
        match e {
            ChildResult::Whole(text) => {
                out.push(serde_json::from_str(&text).unwrap_or(Value::Null))
            }
            ChildResult::Output(v) => shape(request.transformation, v, &mut out),
        }
    }
    Value::Array(out)
}

/// How a result file of an output type holds its entries.
struct Framing {
    open: &'static str,
    sep: &'static str,
    close: &'static str,
    ext: &'static str,
}

impl Framing {
    fn of(t: OutputType) -> Self {
        match t {
            OutputType::Json => Framing {
                open: "[",
                sep: ",",
                close: "]",
                ext: "json",
            },
            OutputType::Jsonl => Framing {
                open: "",
                sep: "\n",
                close: "\n",
                ext: "jsonl",
            },
        }
    }
}

/// Which file set a result goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Failed,
    Pending,
    Succeeded,
}

/// One category's files: those closed, and the one being written.
struct Files {
    name: &'static str,
    closed: Vec<Value>,
    open: Option<OpenFile>,
}

struct OpenFile {
    key: String,
    writer: Box<dyn ObjectWriter>,
    /// Bytes written so far.
    bytes: u64,
    /// What counts against the size limit: each entry and its separator.
    size: u64,
}

/// A Map Run's result files, written as its children finish: nothing of the results is
/// held beyond the part of a file being written.
pub struct ResultSink {
    store: Arc<dyn ObjectStore>,
    bucket: String,
    dir: String,
    map_run_arn: String,
    request: WriterRequest,
    limit: u64,
    files: [Files; 3],
    /// Entries written (succeeded and failed; pending ones are not results).
    written: u64,
    shaped: Vec<Value>,
}

impl ResultSink {
    /// A sink for `run`'s results, if its ResultWriter has a destination. A redriven run
    /// keeps the succeeded files its earlier attempts wrote and adds files after them.
    pub fn open(
        store: Arc<dyn ObjectStore>,
        request: &WriterRequest,
        run: &MapRunRecord,
        limit: u64,
    ) -> Option<ResultSink> {
        let (bucket, prefix) = request.destination.clone()?;
        let dir = if prefix.is_empty() {
            run_id(run.map_run_arn.as_str()).to_string()
        } else {
            format!("{prefix}/{}", run_id(run.map_run_arn.as_str()))
        };
        let files = |name| Files {
            name,
            closed: Vec::new(),
            open: None,
        };
        let mut sink = ResultSink {
            store,
            bucket,
            dir,
            map_run_arn: run.map_run_arn.to_string(),
            request: request.clone(),
            limit,
            files: [files("FAILED"), files("PENDING"), files("SUCCEEDED")],
            written: 0,
            shaped: Vec::new(),
        };
        // A process that died while writing this run's files left them unfinished; they
        // are written again (the run's folder holds only its own files).
        let _ = sink.store.discard_unfinished(&sink.bucket, &sink.dir);
        if run.progress().redrive_count > 0 {
            sink.files[Category::Succeeded as usize].closed = sink.earlier_succeeded();
        }
        Some(sink)
    }

    /// The succeeded files named by the manifest an earlier attempt wrote.
    fn earlier_succeeded(&self) -> Vec<Value> {
        let key = format!("{}/manifest.json", self.dir);
        let Ok(mut object) = self.store.get(&self.bucket, &key) else {
            return Vec::new();
        };
        let mut text = String::new();
        if object.read_to_string(&mut text).is_err() {
            return Vec::new();
        }
        serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|m| m["ResultFiles"]["SUCCEEDED"].as_array().cloned())
            .unwrap_or_default()
    }

    /// Adds one child's result (or a pending item) to its category's files.
    pub fn add(&mut self, category: Category, entry: ChildResult) -> Result<(), StatesError> {
        if category != Category::Pending {
            self.written += 1;
        }
        match entry {
            ChildResult::Whole(text) => self.add_text(category, &text),
            ChildResult::Output(v) => {
                let mut shaped = std::mem::take(&mut self.shaped);
                shape(self.request.transformation, v, &mut shaped);
                let r = shaped
                    .drain(..)
                    .try_for_each(|v| self.add_text(category, &v.to_string()));
                self.shaped = shaped;
                r
            }
        }
    }

    fn add_text(&mut self, category: Category, text: &str) -> Result<(), StatesError> {
        let len = text.len() as u64 + 1;
        let framing = Framing::of(self.request.output_type);
        let full = self.files[category as usize]
            .open
            .as_ref()
            .is_some_and(|f| f.size > 0 && f.size + len > self.limit);
        if full {
            self.close(category)?;
        }
        if self.files[category as usize].open.is_none() {
            let files = &self.files[category as usize];
            let key = format!(
                "{}/{}_{}.{}",
                self.dir,
                files.name,
                files.closed.len(),
                framing.ext
            );
            let mut writer = self.store.create(&self.bucket, &key).map_err(failed)?;
            writer.write_all(framing.open.as_bytes()).map_err(failed)?;
            self.files[category as usize].open = Some(OpenFile {
                key,
                writer,
                bytes: framing.open.len() as u64,
                size: 0,
            });
        }
        let f = self.files[category as usize]
            .open
            .as_mut()
            .expect("a file just opened");
        if f.size > 0 {
            f.writer.write_all(framing.sep.as_bytes()).map_err(failed)?;
            f.bytes += framing.sep.len() as u64;
        }
        f.writer.write_all(text.as_bytes()).map_err(failed)?;
        f.bytes += text.len() as u64;
        f.size += len;
        Ok(())
    }

    fn close(&mut self, category: Category) -> Result<(), StatesError> {
        let files = &mut self.files[category as usize];
        let Some(mut f) = files.open.take() else {
            return Ok(());
        };
        let close = Framing::of(self.request.output_type).close;
        f.writer.write_all(close.as_bytes()).map_err(failed)?;
        f.writer.commit().map_err(failed)?;
        let size = f.bytes + close.len() as u64;
        files.closed.push(json!({"Key": f.key, "Size": size}));
        Ok(())
    }

    /// Closes the files and writes the manifest; returns the Map state's result.
    pub fn finish(mut self, run: &MapRunRecord) -> Result<Value, StatesError> {
        for c in [Category::Failed, Category::Pending, Category::Succeeded] {
            self.close(c)?;
        }
        let mut listed = serde_json::Map::new();
        for f in &mut self.files {
            listed.insert(f.name.into(), Value::Array(std::mem::take(&mut f.closed)));
        }
        let manifest_key = format!("{}/manifest.json", self.dir);
        let manifest = json!({
            "DestinationBucket": self.bucket,
            "MapRunArn": self.map_run_arn,
            "ResultFiles": listed,
        });
        self.store
            .put(&self.bucket, &manifest_key, manifest.to_string().as_bytes())
            .map_err(failed)?;
        run.results_written(self.written, self.written);
        Ok(json!({
            "MapRunArn": self.map_run_arn,
            "ResultWriterDetails": {"Bucket": self.bucket, "Key": manifest_key},
        }))
    }
}
