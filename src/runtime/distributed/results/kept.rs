//! Where a Distributed Map's child results go: into its ResultWriter's files as children
//! finish, or (without files) into the fan-out's table, to make the state's result.

use super::files::{self as result_files, Category, ResultSink, RunResults};
use crate::data::StatesError;
use crate::objects::ObjectStore;
use crate::runtime::distributed::run::MapRunState;
use crate::runtime::fanout::{ChildStatus, FanOut, ResultTable};
use crate::types::ChildResult;
use serde_json::{json, Value};
use std::sync::Arc;

impl MapRunState {
    /// The run's result files, opened on first use, if its ResultWriter writes files.
    fn sink(&mut self, store: &Arc<dyn ObjectStore>, limit: u64) -> Option<&mut ResultSink> {
        if self.sink.is_none() {
            let run = &self.record;
            let request = run.writer.as_ref().filter(|w| w.destination.is_some())?;
            self.sink = ResultSink::open(Arc::clone(store), request, run, limit);
        }
        self.sink.as_mut()
    }

    /// Keeps child `index`'s result: succeeded, or `failed` (a failure under the run's
    /// threshold).
    pub(crate) fn keep_result(
        &mut self,
        table: &mut ResultTable,
        index: u32,
        entry: ChildResult,
        failed: bool,
        store: &Arc<dyn ObjectStore>,
        limit: u64,
    ) -> Result<(), StatesError> {
        let writer = self.record.writer.is_some();
        if let Some(sink) = self.sink(store, limit) {
            let category = match failed {
                false => Category::Succeeded,
                true => Category::Failed,
            };
            sink.add(category, entry)?;
            match failed {
                false => table.mark_succeeded(index),
                true => table.fail(index),
            }
            return Ok(());
        }
        match (entry, failed) {
            (ChildResult::Whole(text), false) => {
                self.wholes.insert(index, text);
                table.mark_succeeded(index);
            }
            (ChildResult::Output(v), false) => table.succeed(index, v),
            (ChildResult::Whole(text), true) if writer => {
                self.wholes.insert(index, text);
                table.fail(index);
            }
            // Without a ResultWriter the output array holds the failure's execution result.
            (entry, true) => table.fail_tolerated(index, entry.into_value()),
        }
        Ok(())
    }

    /// The results kept in memory, per category, in item order; `take` moves the outputs
    /// out of the table instead of copying them.
    fn results(&mut self, table: &mut ResultTable, take: bool) -> RunResults {
        let mut r = RunResults::default();
        for i in 0..table.len() as u32 {
            let whole = if take {
                self.wholes.remove(&i)
            } else {
                self.wholes.get(&i).cloned()
            };
            let entry = match whole {
                Some(text) => ChildResult::Whole(text),
                None if take => ChildResult::Output(table.take_output(i).unwrap_or(Value::Null)),
                None => ChildResult::Output(table.output(i).cloned().unwrap_or(Value::Null)),
            };
            match table.status(i) {
                ChildStatus::Succeeded => r.succeeded.push(entry),
                ChildStatus::Failed => r.failed.push(entry),
                _ => {}
            }
        }
        r
    }

    /// Finishes the run's results as its ResultWriter says (the items never started are
    /// written as pending); returns the state's result, or `None` without a ResultWriter.
    pub(crate) fn write_results(
        &mut self,
        f: &mut FanOut,
        take: bool,
        store: &Arc<dyn ObjectStore>,
        limit: u64,
    ) -> Option<Result<Value, StatesError>> {
        let run = Arc::clone(&self.record);
        let request = run.writer.as_ref()?;
        if request.destination.is_none() {
            return Some(Ok(result_files::in_memory(
                request,
                self.results(&mut f.table, take),
            )));
        }
        self.sink(store, limit)?;
        let mut sink = self.sink.take()?;
        for i in 0..f.table.len() as u32 {
            if f.table.status(i) != ChildStatus::NotStarted {
                continue;
            }
            let input = f.inputs.take(i).ok().map(|v| v.to_string());
            let pending = json!({"Input": input, "Status": "PENDING"}).to_string();
            if let Err(e) = sink.add(Category::Pending, ChildResult::Whole(pending)) {
                return Some(Err(e));
            }
        }
        Some(sink.finish(&run))
    }
}
