//! How a Map Run ends: each child execution's end counted against the tolerated
//! failures, its result kept; the run succeeded, failed past its threshold (or on its
//! items), or aborted with the state; and UpdateMapRun while it runs.

use super::THRESHOLD_CAUSE;
use crate::asl::model::State;
use crate::data::{names, StatesError};
use crate::runtime::execution::{ExecutionActor, Flow};
use crate::runtime::fanout::{FanOut, Kind};
use crate::runtime::messages::{Abort, ChildFinished, MapRunUpdated};
use crate::types::{ChildEnd, ChildResult, ChildResume, HistoryEventType, MapRunStatus};
use actix::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

impl ExecutionActor {
    /// A child execution of the Distributed Map ended (the caller checked it is current).
    pub(crate) fn distributed_child_finished(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        msg: ChildFinished,
    ) {
        let (store, limit) = (&self.exec.objects, self.exec.map_runs.result_file_limit);
        let Some(pos) = self.pos.as_mut() else { return };
        let (Some(f), Some(run)) = (pos.fanout.as_mut(), pos.map_run.as_mut()) else {
            return;
        };
        let record = Arc::clone(&run.record);
        f.remaining -= 1;
        let (exceeded, kept) = match msg.outcome {
            Ok(_) if result_unused(state) && record.writer.is_none() => {
                // Nothing will read a succeeded child's output: a million of them need
                // not be held until the run ends.
                record.child_ended(record.items_of(msg.index), ChildEnd::Succeeded);
                f.table.mark_succeeded(msg.index);
                (false, Ok(()))
            }
            Ok(output) => {
                record.child_ended(record.items_of(msg.index), ChildEnd::Succeeded);
                // A ResultWriter writes the whole execution result, not the output.
                let entry = match msg.result.filter(|_| record.needs_whole_results()) {
                    Some(text) => ChildResult::Whole(text),
                    None => ChildResult::Output(output),
                };
                let kept = run.keep_result(&mut f.table, msg.index, entry, false, store, limit);
                (false, kept)
            }
            Err(_) => {
                // AWS counts failed items (a failed batch fails all of its items).
                let items = record.items_of(msg.index);
                record.child_ended(items, ChildEnd::Failed);
                run.failures += items;
                if let Some(rp) = msg.resume {
                    // Where a redrive continues this child.
                    f.child_resume.insert(msg.index, rp);
                }
                let entry = ChildResult::Whole(msg.result.unwrap_or_default());
                let kept = run.keep_result(&mut f.table, msg.index, entry, true, store, limit);
                let exceeded = record.config().exceeded(run.failures, record.total_items());
                (exceeded, kept)
            }
        };
        let done = f.remaining == 0;
        if let Err(e) = kept {
            return self.map_run_failed(ctx, state, e);
        }
        if exceeded {
            let error =
                StatesError::new(names::EXCEED_TOLERATED_FAILURE_THRESHOLD, THRESHOLD_CAUSE);
            return self.map_run_failed(ctx, state, error);
        }
        if !done {
            self.schedule_refill(ctx);
        } else if let Flow::Continue = self.fanout_succeeded(ctx, state) {
            self.drive(ctx);
        }
    }

    /// Every child succeeded: the run ends, and its ResultWriter makes the state's result
    /// (`None` for a fan-out without a Map Run, or a run without a ResultWriter).
    pub(crate) fn map_run_succeeded(
        &mut self,
        f: &mut FanOut,
    ) -> Option<Result<Value, StatesError>> {
        let mut run = self.pos.as_mut().and_then(|p| p.map_run.take())?;
        run.record
            .end(MapRunStatus::SUCCEEDED, self.exec.clock.now());
        self.event(HistoryEventType::MapRunSucceeded, || None);
        let limit = self.exec.map_runs.result_file_limit;
        run.write_results(f, true, &self.exec.objects, limit)
    }

    /// The run failed (its failures passed the threshold, or its items could not be read):
    /// abort the rest, fail the run and the state.
    pub(crate) fn map_run_failed(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        error: StatesError,
    ) {
        let Some(pos) = self.pos.as_mut() else { return };
        let kind = pos.fanout.as_ref().map_or(Kind::Distributed, |f| f.kind);
        let (Some(f), Some(run)) = (pos.fanout.as_mut(), pos.map_run.as_mut()) else {
            let children = self.abort_children();
            return self.fanout_failed(ctx, state, kind, error, children);
        };
        run.record.end(MapRunStatus::FAILED, self.exec.clock.now());
        // AWS writes the results of a failed run too; the run's error is what counts.
        let limit = self.exec.map_runs.result_file_limit;
        let _ = run.write_results(f, false, &self.exec.objects, limit);
        let children = self.abort_children();
        self.event(HistoryEventType::MapRunFailed, || {
            Some(json!({"error": error.error, "cause": error.cause}))
        });
        self.fanout_failed(ctx, state, kind, error, children);
    }

    /// Aborts the run's running child executions (they record their own aborts; the
    /// parent records the run's) and returns what each child achieved, for a redrive.
    pub(crate) fn abort_child_executions(&mut self, mut f: Box<FanOut>) -> Vec<ChildResume> {
        let run = self.pos.as_mut().and_then(|p| p.map_run.take());
        let mut running: Vec<_> = f.running.drain().collect();
        running.sort_by_key(|(i, _)| *i);
        for (i, (addr, _)) in running {
            f.table.abort(i);
            if let Some(run) = &run {
                run.record
                    .child_ended(run.record.items_of(i), ChildEnd::Aborted);
            }
            addr.do_send(Abort);
        }
        if let Some(run) = run.filter(|r| r.record.status() == MapRunStatus::RUNNING) {
            run.record.end(MapRunStatus::ABORTED, self.exec.clock.now());
            self.event(HistoryEventType::MapRunAborted, || None);
        }
        f.children_resume()
    }
}

impl Handler<MapRunUpdated> for ExecutionActor {
    type Result = ();

    /// UpdateMapRun: a raised concurrency starts more children now; a raised tolerance
    /// is read at the next failure.
    fn handle(&mut self, _: MapRunUpdated, ctx: &mut Context<Self>) {
        if self.finished {
            return;
        }
        let running = self
            .pos
            .as_ref()
            .is_some_and(|p| p.fanout.is_some() && p.map_run.is_some());
        if running {
            self.schedule_refill(ctx);
        }
    }
}

/// Whether the state throws its result away unread: a JSONPath Map with `ResultPath: null`,
/// no ResultSelector (it still runs, on the outputs) and no Assign (a JSONata state's Output or Assign may read `$states.result`).
fn result_unused(state: &State) -> bool {
    use crate::asl::model::{QueryLanguage, ResultPath, StateKind};
    let StateKind::Map(m) = &state.kind else {
        return false;
    };
    state.query == QueryLanguage::JsonPath
        && matches!(m.result_path, ResultPath::Discard)
        && m.result_selector.is_none()
        && state.assign.is_none()
}
