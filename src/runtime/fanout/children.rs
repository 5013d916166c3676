//! The children's reports: a success fills the table and frees a slot; the first failure
//! aborts the others and fails the state (AWS: Retry runs the whole fan-out again, Catch
//! leaves the state); when all have succeeded the outputs are assembled in order.

use super::window::Kind;
use crate::asl::model::{State, StateKind};
use crate::data::{ContextObject, Scope, StatesError};
use crate::interpret::policy::Recovery;
use crate::interpret::{map, parallel};
use crate::runtime::execution::{ExecutionActor, Flow};
use crate::runtime::history::state_aborted;
use crate::runtime::messages::{Abort, ChildFinished, ReportsWaiting};
use crate::types::{ChildResume, HistoryEventType, ResumePoint};
use actix::prelude::*;
use serde_json::json;
use std::sync::Arc;

impl Handler<ReportsWaiting> for ExecutionActor {
    type Result = ();

    fn handle(&mut self, _: ReportsWaiting, ctx: &mut Context<Self>) {
        let Some(completions) = self.completions.clone() else {
            return;
        };
        let mut reports = std::mem::take(&mut self.reports);
        completions.take(&mut reports);
        for report in reports.drain(..) {
            self.contained(ctx, |act, ctx| act.child_finished(report, ctx));
        }
        self.reports = reports;
    }
}

impl ExecutionActor {
    fn child_finished(&mut self, msg: ChildFinished, ctx: &mut Context<Self>) {
        if self.finished {
            return;
        }
        let body = Arc::clone(&self.body);
        let Some(pos) = self.pos.as_mut() else { return };
        let state = body.state(pos.state);
        let Some(f) = pos.fanout.as_mut() else { return };
        if f.run != msg.run || f.running.remove(&msg.index).is_none() {
            return;
        }
        let kind = f.kind;
        if kind == Kind::Distributed {
            return self.distributed_child_finished(ctx, state, msg);
        }
        match msg.outcome {
            Ok(output) => {
                f.table.succeed(msg.index, output);
                f.remaining -= 1;
                let done = f.remaining == 0;
                if kind == Kind::Map {
                    self.event(HistoryEventType::MapIterationSucceeded, || {
                        Some(json!({"name": state.name, "index": msg.index}))
                    });
                }
                if !done {
                    self.schedule_refill(ctx);
                } else if let Flow::Continue = self.fanout_succeeded(ctx, state) {
                    self.drive(ctx);
                }
            }
            Err(error) => {
                f.table.fail(msg.index);
                if let Some(rp) = msg.resume {
                    f.child_resume.insert(msg.index, rp);
                }
                if kind == Kind::Map {
                    self.event(HistoryEventType::MapIterationFailed, || {
                        Some(json!({"name": state.name, "index": msg.index}))
                    });
                }
                let children = self.abort_children();
                self.fanout_failed(ctx, state, kind, error, children);
            }
        }
    }

    /// Every child succeeded: assemble the outputs in order and leave the state.
    pub(crate) fn fanout_succeeded(&mut self, ctx: &mut Context<Self>, state: &State) -> Flow {
        let mut f = self
            .pos
            .as_mut()
            .and_then(|p| p.fanout.take())
            .expect("a finished fan-out");
        // A Distributed Map's ResultWriter makes the result: written files, or
        // transformed results.
        let written = self.map_run_succeeded(&mut f);
        self.event(f.kind.succeeded(), || None);
        let outputs = f.table.into_outputs().unwrap_or_default();
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.exec.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        let (out, transition) = match (&state.kind, written) {
            (StateKind::Map(m), Some(written)) => (
                written.and_then(|v| map::finish_value(state, m, v, &mut scope)),
                m.transition,
            ),
            (StateKind::Parallel(p), _) => (
                parallel::finish(state, p, outputs, &mut scope),
                p.transition,
            ),
            (StateKind::Map(m), None) => (map::finish(state, m, outputs, &mut scope), m.transition),
            _ => unreachable!("only Parallel and Map fan out"),
        };
        self.complete(ctx, state, out, transition)
    }

    /// Aborts every running child (a sibling failed, or the execution stops) and returns
    /// what each child achieved, for a redrive.
    pub(crate) fn abort_children(&mut self) -> Option<Vec<ChildResume>> {
        let mut f = self.pos.as_mut().and_then(|p| p.fanout.take())?;
        if f.kind == Kind::Distributed {
            return Some(self.abort_child_executions(f));
        }
        let name = self.body.state(self.pos.as_ref()?.state).name.clone();
        let mut running: Vec<_> = f.running.drain().collect();
        running.sort_by_key(|(i, _)| *i);
        for (i, (addr, cursor)) in running {
            f.table.abort(i);
            if let Some((state, entered)) = cursor.abort() {
                let child_body = &f.bodies[f.kind.body_of(i)];
                if let Some(aborted) = state_aborted(&child_body.state(state).kind) {
                    self.event(aborted, || None);
                }
                f.child_resume.insert(
                    i,
                    ResumePoint {
                        state,
                        entered_event: entered,
                        fanout: None,
                        variables: cursor.variables(),
                    },
                );
            }
            if f.kind == Kind::Map {
                self.event(HistoryEventType::MapIterationAborted, || {
                    Some(json!({"name": name, "index": i}))
                });
            }
            addr.do_send(Abort);
        }
        Some(f.children_resume())
    }

    /// The fan-out failed with `error` (its children already aborted, `children` saying
    /// what each achieved): retry, catch or fail the state.
    pub(crate) fn fanout_failed(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        kind: Kind,
        error: StatesError,
        children: Option<Vec<ChildResume>>,
    ) {
        // AWS records {Map,Parallel}StateFailed only when the state gives up, not before a
        // retry (which records another ...StateStarted).
        let recovery = self.recovery(state, error, false);
        if !matches!(recovery, Recovery::Retry { .. }) {
            self.event(kind.failed(), || None);
        }
        if let Recovery::Fail(_) = recovery {
            if let Some(pos) = self.pos.as_mut() {
                pos.failed_fanout = children;
            }
        }
        if let Flow::Continue = self.recover(ctx, state, recovery) {
            self.drive(ctx);
        }
    }
}
