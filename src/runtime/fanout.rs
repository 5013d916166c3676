//! Parallel and Inline Map as child actors. The parent keeps a compact per-index
//! [`ResultTable`]; at most `limit` children are alive at once, each materialised only when
//! a slot frees up, and each reports `ChildFinished { index, outcome }` and stops.
//!
//! AWS: a failed branch or iteration fails the state with its error; the others are
//! aborted. Retry runs the whole fan-out again; Catch leaves the state.

use super::completions::Completions;
use super::execution::{ExecutionActor, Flow, Role};
use super::history::state_aborted;
use super::item_feed::ItemFeed;
use super::map_run::MapRunRecord;
use super::messages::{Abort, ChildFinished, Refill, ReportsWaiting};
use super::result_files::ResultSink;
pub use super::result_table::{ChildStatus, ResultTable};
use super::resume::ChildCursor;
use crate::asl::model::{Body, MapState, ParallelState, ProcessorMode, State, StateKind};
use crate::data::{ContextObject, Scope, StatesError, Variables};
use crate::interpret::policy::Recovery;
use crate::interpret::{map, parallel};
use crate::types::HistoryEventType;
use crate::types::{ChildEnd, MapRunStatus};
use crate::types::{ChildResume, ResumePoint};
use actix::dev::channel;
use actix::prelude::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// With MaxConcurrency 0 ("no limit"), iterations are still materialised through a bounded
/// window, so a million-item Map never holds a million actors.
pub const UNBOUNDED_WINDOW: usize = 1000;

/// Parallel, Inline Map, or Distributed Map (children are executions of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Parallel,
    Map,
    Distributed,
}

/// The children's inputs: listed (Parallel, Inline Map), or fed as children start
/// (Distributed Map).
pub(crate) enum Inputs {
    Listed(Vec<Option<Value>>),
    Fed { feed: ItemFeed, len: usize },
}

impl Inputs {
    pub(crate) fn listed(inputs: Vec<Value>) -> Self {
        Inputs::Listed(inputs.into_iter().map(Some).collect())
    }

    fn len(&self) -> usize {
        match self {
            Inputs::Listed(v) => v.len(),
            Inputs::Fed { len, .. } => *len,
        }
    }

    /// Child `index`'s input, taken once; a feed is taken in increasing order.
    pub(crate) fn take(&mut self, index: u32) -> Result<Value, StatesError> {
        match self {
            Inputs::Listed(v) => Ok(v[index as usize].take().unwrap_or(Value::Null)),
            Inputs::Fed { feed, .. } => feed.take(index),
        }
    }

    /// A child whose result is kept needs no input.
    fn forget(&mut self, index: u32) {
        if let Inputs::Listed(v) = self {
            v[index as usize] = None;
        }
    }
}

/// A fan-out in progress, owned by the parent's current position.
pub struct FanOut {
    kind: Kind,
    run: u64,
    bodies: Vec<Arc<Body>>,
    pub(crate) inputs: Inputs,
    next: usize,
    limit: usize,
    pub(crate) remaining: usize,
    running: HashMap<u32, (Addr<ExecutionActor>, Arc<ChildCursor>)>,
    pub(crate) table: ResultTable,
    refill_scheduled: bool,
    /// The Map Run of a Distributed Map, and how many of its children failed.
    pub(crate) map_run: Option<Arc<MapRunRecord>>,
    pub(crate) failures: u64,
    /// Whole execution results (JSON text) of a Distributed Map's children, where its
    /// ResultWriter needs them and writes no files.
    pub(crate) wholes: HashMap<u32, String>,
    /// The result files of a Distributed Map's ResultWriter, written as children finish.
    pub(crate) sink: Option<ResultSink>,
    /// Where children resume: failed children's reports, and on a redrive the children to
    /// restart inside their bodies.
    pub(crate) child_resume: HashMap<u32, ResumePoint>,
    /// The variables the branches or iterations read: the parent's, which cannot change
    /// while they run.
    outer_vars: Option<Arc<Variables>>,
}

impl Kind {
    /// Which of the fan-out's bodies child `index` runs.
    fn body_of(self, index: u32) -> usize {
        match self {
            Kind::Parallel => index as usize,
            Kind::Map | Kind::Distributed => 0,
        }
    }

    fn started(self) -> HistoryEventType {
        match self {
            Kind::Parallel => HistoryEventType::ParallelStateStarted,
            Kind::Map | Kind::Distributed => HistoryEventType::MapStateStarted,
        }
    }

    fn succeeded(self) -> HistoryEventType {
        match self {
            Kind::Parallel => HistoryEventType::ParallelStateSucceeded,
            Kind::Map | Kind::Distributed => HistoryEventType::MapStateSucceeded,
        }
    }

    fn failed(self) -> HistoryEventType {
        match self {
            Kind::Parallel => HistoryEventType::ParallelStateFailed,
            Kind::Map | Kind::Distributed => HistoryEventType::MapStateFailed,
        }
    }
}

impl ExecutionActor {
    pub(crate) fn start_parallel(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        p: &ParallelState,
    ) -> Flow {
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.shared.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        match parallel::branch_input(state, p, &mut scope) {
            Ok(input) => {
                let inputs = Inputs::listed(vec![input; p.branches.len()]);
                self.start_fanout(
                    ctx,
                    state,
                    Kind::Parallel,
                    p.branches.clone(),
                    inputs,
                    0,
                    None,
                )
            }
            Err(e) => self.state_error(ctx, state, e, true),
        }
    }

    pub(crate) fn start_map(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        m: &MapState,
    ) -> Flow {
        if m.mode == ProcessorMode::Distributed {
            return self.start_distributed(ctx, state, m);
        }
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.shared.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        // Iterations whose results a redrive or a restart keeps need no input.
        let kept = |i: usize| {
            pos.fanout_resume
                .as_ref()
                .is_some_and(|r| matches!(r.get(i), Some(ChildResume::Succeeded(_))))
                || pos
                    .recovered
                    .as_ref()
                    .is_some_and(|r| r.completed.contains_key(&(i as u32)))
        };
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        match map::plan(state, m, &mut scope, kept) {
            Ok(plan) => {
                let bodies = vec![Arc::clone(&m.processor)];
                self.start_fanout(
                    ctx,
                    state,
                    Kind::Map,
                    bodies,
                    Inputs::listed(plan.inputs),
                    plan.max_concurrency,
                    None,
                )
            }
            Err(e) => self.state_error(ctx, state, e, true),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn start_fanout(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        kind: Kind,
        bodies: Vec<Arc<Body>>,
        inputs: Inputs,
        max_concurrency: usize,
        map_run: Option<Arc<MapRunRecord>>,
    ) -> Flow {
        let n = inputs.len();
        match kind {
            Kind::Map => {
                self.event(kind.started(), || Some(json!({"length": n})));
            }
            Kind::Parallel => {
                self.event(kind.started(), || None);
            }
            // Recorded before the Map Run started.
            Kind::Distributed => {}
        }
        let recovered = self.pos.as_mut().and_then(|p| p.recovered.take());
        match &recovered {
            // Continue the run the log recorded, so its completions keep counting.
            Some(r) => self.fanout_runs = r.run,
            None => {
                self.fanout_runs += 1;
                let entered = self.pos.as_ref().map_or(0, |p| p.entered_id);
                if let Some(j) = self.shared.record.journal() {
                    j.fanout_started(entered, self.fanout_runs);
                }
            }
        }
        let limit = match max_concurrency {
            0 => UNBOUNDED_WINDOW,
            m => m,
        };
        let fanout = FanOut {
            kind,
            run: self.fanout_runs,
            bodies,
            inputs,
            next: 0,
            limit,
            remaining: n,
            running: HashMap::new(),
            table: ResultTable::new(n),
            refill_scheduled: false,
            child_resume: HashMap::new(),
            map_run,
            failures: 0,
            wholes: HashMap::new(),
            sink: None,
            // A Distributed Map's children are executions of their own: they read none.
            outer_vars: (kind != Kind::Distributed && !self.vars.is_empty())
                .then(|| Arc::new(self.vars.clone())),
        };
        let pos = self.pos.as_mut().expect("a current state");
        let mut fanout = fanout;
        // A redrive keeps what succeeded and reruns the rest, each from where it stopped.
        if let Some(before) = pos.fanout_resume.take().filter(|b| b.len() == n) {
            for (i, child) in before.into_iter().enumerate() {
                match child {
                    ChildResume::Succeeded(kept) => {
                        match kept {
                            Some(v) => fanout.table.succeed(i as u32, v),
                            None => fanout.table.mark_succeeded(i as u32),
                        }
                        fanout.inputs.forget(i as u32);
                        fanout.remaining -= 1;
                    }
                    ChildResume::Restart(Some(rp)) => {
                        fanout.child_resume.insert(i as u32, *rp);
                    }
                    ChildResume::Restart(None) | ChildResume::NotStarted => {}
                }
            }
        }
        let mut kept_failed = None;
        let (store, limit) = (
            Arc::clone(&self.shared.objects),
            self.shared.map_runs.result_file_limit,
        );
        for (i, entry) in recovered.map(|r| r.completed).unwrap_or_default() {
            if (i as usize) < n && fanout.table.status(i) == ChildStatus::NotStarted {
                if let Some(r) = &fanout.map_run {
                    // A continued Map Run counts its children anew.
                    r.child_started(r.items_of(i));
                    r.child_ended(r.items_of(i), ChildEnd::Succeeded);
                }
                // Results written before the process died were never committed: they are
                // written again, in the files of the run that goes on.
                if let Err(e) = fanout.keep_result(i, entry, None, &store, limit) {
                    kept_failed.get_or_insert(e);
                }
                fanout.inputs.forget(i);
                fanout.remaining -= 1;
            }
        }
        let remaining = fanout.remaining;
        pos.fanout = Some(Box::new(fanout));
        if let Some(e) = kept_failed {
            // Goes on by itself (a Catch or a retry drives the loop again).
            self.map_run_failed(ctx, state, e);
            return Flow::Suspended;
        }
        if remaining == 0 {
            return self.fanout_succeeded(ctx, state);
        }
        self.fill_window(ctx, state);
        Flow::Suspended
    }

    /// Materialises children until the window is full or none are left to start.
    ///
    /// They go to the spawner's queue in one push, from which each arbiter takes as it has
    /// room: one cross-thread wake-up per arbiter, not one per child.
    fn fill_window(&mut self, ctx: &mut Context<Self>, state: &State) {
        let me = Arc::clone(
            self.completions
                .get_or_insert_with(|| Arc::new(Completions::new(ctx.address().recipient()))),
        );
        let mut waiting = Vec::new();
        if let Some(f) = self.pos.as_mut().and_then(|p| p.fanout.as_mut()) {
            // UpdateMapRun may have changed the concurrency since the last refill.
            if let Some(r) = &f.map_run {
                f.limit = super::distributed::window(&r.config());
            }
        }
        let mut feed_error = None;
        while let Some(f) = self.pos.as_mut().and_then(|p| p.fanout.as_mut()) {
            if f.running.len() >= f.limit {
                break;
            }
            // Skip children a redrive keeps.
            while f.next < f.inputs.len()
                && f.table.status(f.next as u32) != ChildStatus::NotStarted
            {
                f.next += 1;
            }
            if f.next >= f.inputs.len() {
                break;
            }
            let index = f.next as u32;
            f.next += 1;
            let input = match f.inputs.take(index) {
                Ok(v) => v,
                Err(e) => {
                    feed_error = Some(e);
                    break;
                }
            };
            let resume = f.child_resume.remove(&index);
            let body = Arc::clone(&f.bodies[f.kind.body_of(index)]);
            let (kind, run) = (f.kind, f.run);
            let map_run = f.map_run.clone();
            let outer_vars = f.outer_vars.clone();
            let (shared, last) = match kind {
                Kind::Map => {
                    let last = self.event(HistoryEventType::MapIterationStarted, || {
                        Some(json!({"name": state.name, "index": index}))
                    });
                    (Arc::clone(&self.shared), last)
                }
                // A child execution makes its own record on its own core (see `started`).
                Kind::Distributed => (Arc::clone(&self.shared), 0),
                Kind::Parallel => (Arc::clone(&self.shared), self.last_event),
            };
            if let Some(r) = &map_run {
                r.child_started(r.items_of(index));
            }
            let cursor = Arc::new(ChildCursor::default());
            let fanout_event = self.pos.as_ref().map_or(0, |p| p.entered_id);
            let child = ExecutionActor::with(
                shared,
                body,
                Role::Child {
                    parent: me.clone(),
                    fanout_event,
                    run,
                    index,
                    cursor: Arc::clone(&cursor),
                    execution: kind == Kind::Distributed,
                },
                input,
                resume,
                self.child_seed(),
                last,
            );
            let mut child = child;
            child.child_run = map_run;
            if let Some(outer) = outer_vars {
                child.vars = Variables::within(outer);
            }
            if kind != Kind::Parallel && self.shared.observer.is_some() {
                child.item_since = Some(std::time::Instant::now());
            }
            let (tx, rx) = channel::channel(16);
            waiting.push((rx, Box::new(child)));
            let addr = Addr::new(tx);
            let f = self
                .pos
                .as_mut()
                .and_then(|p| p.fanout.as_mut())
                .expect("the fan-out being filled");
            f.table.set_running(index);
            f.running.insert(index, (addr, cursor));
        }
        self.shared.spawner.start_children(waiting);
        if let Some(e) = feed_error {
            self.map_run_failed(ctx, state, e);
        }
    }

    /// Every child succeeded: assemble the outputs in order and leave the state.
    pub(crate) fn fanout_succeeded(&mut self, ctx: &mut Context<Self>, state: &State) -> Flow {
        let f = self
            .pos
            .as_mut()
            .and_then(|p| p.fanout.take())
            .expect("a finished fan-out");
        if let Some(run) = &f.map_run {
            run.end(MapRunStatus::SUCCEEDED, self.shared.clock.now());
            self.event(HistoryEventType::MapRunSucceeded, || None);
        }
        self.event(f.kind.succeeded(), || None);
        let mut f = f;
        // A ResultWriter makes the result: written files, or transformed results.
        let written = self.write_results(&mut f, true);
        let outputs = f.table.into_outputs().unwrap_or_default();
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.shared.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        let (out, transition) = match &state.kind {
            StateKind::Map(m) if written.is_some() => (
                written
                    .expect("matched")
                    .and_then(|v| map::finish_value(state, m, v, &mut scope)),
                m.transition,
            ),
            StateKind::Parallel(p) => (
                parallel::finish(state, p, outputs, &mut scope),
                p.transition,
            ),
            StateKind::Map(m) => (map::finish(state, m, outputs, &mut scope), m.transition),
            _ => unreachable!("only Parallel and Map fan out"),
        };
        self.complete(ctx, state, out, transition)
    }

    /// Aborts every running child (a sibling failed, or the execution stops) and returns
    /// what each child achieved, for a redrive.
    pub(crate) fn abort_children(&mut self) -> Option<Vec<ChildResume>> {
        let mut f = self.pos.as_mut().and_then(|p| p.fanout.take())?;
        let name = self.body.state(self.pos.as_ref()?.state).name.clone();
        let mut running: Vec<_> = f.running.drain().collect();
        running.sort_by_key(|(i, _)| *i);
        if let Some(run) = &f.map_run {
            // Child executions record their own aborts; the parent records the run's.
            for (i, (addr, _)) in running {
                f.table.abort(i);
                run.child_ended(run.items_of(i), ChildEnd::Aborted);
                addr.do_send(Abort);
            }
            if run.status() == MapRunStatus::RUNNING {
                run.end(MapRunStatus::ABORTED, self.shared.clock.now());
                self.event(HistoryEventType::MapRunAborted, || None);
            }
            return Some(children_resume(&mut f));
        }
        for (i, (addr, cursor)) in running {
            f.table.abort(i);
            if let Some((state, entered)) = cursor.abort() {
                let child_body = &f.bodies[if f.kind == Kind::Map { 0 } else { i as usize }];
                if let Some(aborted) = state_aborted(&child_body.state(state).kind) {
                    self.event(aborted, || None);
                }
                f.child_resume.insert(
                    i,
                    ResumePoint {
                        state,
                        entered_event: entered,
                        fanout: None,
                        variables: Default::default(),
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
        Some(children_resume(&mut f))
    }

    /// Refills the window once the completions already queued are handled.
    pub(crate) fn schedule_refill(&mut self, ctx: &mut Context<Self>) {
        if let Some(f) = self.pos.as_mut().and_then(|p| p.fanout.as_mut()) {
            if f.next < f.inputs.len() && !f.refill_scheduled {
                f.refill_scheduled = true;
                ctx.notify(Refill { run: f.run });
            }
        }
    }
}

/// What each child of an ended fan-out achieved, for a redrive.
fn children_resume(f: &mut FanOut) -> Vec<ChildResume> {
    (0..f.table.len() as u32)
        .map(|i| match f.table.status(i) {
            ChildStatus::Succeeded => ChildResume::Succeeded(f.table.take_output(i)),
            ChildStatus::NotStarted => ChildResume::NotStarted,
            _ => ChildResume::Restart(f.child_resume.remove(&i).map(Box::new)),
        })
        .collect()
}

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
                let f = self
                    .pos
                    .as_mut()
                    .and_then(|p| p.fanout.as_mut())
                    .expect("the fan-out in progress");
                if done {
                    if let Flow::Continue = self.fanout_succeeded(ctx, state) {
                        self.drive(ctx);
                    }
                } else if f.next < f.inputs.len() && !f.refill_scheduled {
                    f.refill_scheduled = true;
                    ctx.notify(Refill { run: f.run });
                }
            }
            Err(error) => {
                f.table.fail(msg.index, error.clone());
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
}

impl ExecutionActor {
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

impl Handler<Refill> for ExecutionActor {
    type Result = ();

    fn handle(&mut self, msg: Refill, ctx: &mut Context<Self>) {
        self.contained(ctx, |act, ctx| {
            let body = Arc::clone(&act.body);
            let Some(pos) = act.pos.as_mut() else { return };
            let state = body.state(pos.state);
            match pos.fanout.as_mut() {
                Some(f) if f.run == msg.run && !act.finished => f.refill_scheduled = false,
                _ => return,
            }
            act.fill_window(ctx, state);
        });
    }
}
