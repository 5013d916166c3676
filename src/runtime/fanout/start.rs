//! Starting a fan-out and keeping its window full: at most `limit` children are alive at
//! once, each materialised only when a slot frees up.

use super::completions::Completions;
use super::window::{ChildInputs, FanOut, Kind, Listed};
use crate::asl::model::{Body, MapState, ParallelState, ProcessorMode, State};
use crate::data::{ContextObject, Scope, Variables};
use crate::interpret::{map, parallel};
use crate::runtime::execution::{ExecutionActor, Flow, PendingChild, Role};
use crate::runtime::messages::Refill;
use crate::runtime::resume::ChildCursor;
use crate::types::{ChildResume, HistoryEventType};
use actix::dev::channel;
use actix::prelude::*;
use serde_json::json;
use std::sync::Arc;

impl ExecutionActor {
    pub(crate) fn start_parallel(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        p: &ParallelState,
    ) -> Flow {
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.exec.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        match parallel::branch_input(state, p, &mut scope) {
            Ok(input) => {
                let inputs = Listed::new(vec![input; p.branches.len()]);
                self.start_fanout(ctx, state, Kind::Parallel, p.branches.clone(), inputs, 0)
            }
            Err(e) => self.fanout_start_failed(ctx, state, Kind::Parallel.failed(), e),
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
        let context = ContextObject::new(&self.exec.info, &state.name, pos.entered_time)
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
                let inputs = Listed::new(plan.inputs);
                self.start_fanout(ctx, state, Kind::Map, bodies, inputs, plan.max_concurrency)
            }
            Err(e) => self.fanout_start_failed(ctx, state, Kind::Map.failed(), e),
        }
    }

    /// Starts the children of the current state; on a redrive or a restart, only those
    /// whose results are not kept.
    pub(crate) fn start_fanout(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        kind: Kind,
        bodies: Vec<Arc<Body>>,
        inputs: Box<dyn ChildInputs>,
        max_concurrency: usize,
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
                if let Some(j) = self.exec.record.journal() {
                    j.fanout_started(entered, self.fanout_runs);
                }
            }
        }
        // A Distributed Map's children are executions of their own: they read none.
        let outer_vars = (kind != Kind::Distributed && !self.vars.is_empty())
            .then(|| Arc::new(self.vars.clone()));
        let mut fanout = FanOut::new(
            kind,
            self.fanout_runs,
            bodies,
            inputs,
            max_concurrency,
            outer_vars,
        );
        let pos = self.pos.as_mut().expect("a current state");
        if let Some(before) = pos.fanout_resume.take().filter(|b| b.len() == n) {
            fanout.resume_from(before);
        }
        let mut kept_failed = None;
        for (i, entry) in recovered.map(|r| r.completed).unwrap_or_default() {
            if (i as usize) >= n || fanout.table.status(i) != super::ChildStatus::NotStarted {
                continue;
            }
            match pos.map_run.as_mut() {
                Some(run) => {
                    let (store, limit) = (&self.exec.objects, self.exec.map_runs.result_file_limit);
                    if let Err(e) = run.recovered(&mut fanout.table, i, entry, store, limit) {
                        kept_failed.get_or_insert(e);
                    }
                }
                None => fanout.table.succeed(i, entry.into_value()),
            }
            fanout.kept(i);
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
    pub(crate) fn fill_window(&mut self, ctx: &mut Context<Self>, state: &State) {
        let me = Arc::clone(
            self.completions
                .get_or_insert_with(|| Arc::new(Completions::new(ctx.address().recipient()))),
        );
        if let Some(pos) = self.pos.as_mut() {
            // UpdateMapRun may have changed the concurrency since the last refill.
            if let (Some(f), Some(run)) = (pos.fanout.as_mut(), pos.map_run.as_ref()) {
                f.limit = run.window();
            }
        }
        let mut waiting: Vec<crate::runtime::child_queue::Waiting> = Vec::new();
        let mut feed_error = None;
        while let Some(pos) = self.pos.as_mut() {
            let Some(f) = pos.fanout.as_mut() else { break };
            let Some(index) = f.next_to_start() else {
                break;
            };
            let input = match f.inputs.take(index) {
                Ok(v) => v,
                Err(e) => {
                    feed_error = Some(e);
                    break;
                }
            };
            let resume = f.child_resume.remove(&index);
            let body = Arc::clone(&f.bodies[f.kind.body_of(index)]);
            let (kind, run, outer_vars) = (f.kind, f.run, f.outer_vars.clone());
            let child_run = pos.map_run.as_ref().map(|r| r.child_starting(index));
            let fanout_event = pos.entered_id;
            let last = match kind {
                Kind::Map => self.event(HistoryEventType::MapIterationStarted, || {
                    Some(json!({"name": state.name, "index": index}))
                }),
                // A child execution makes its own record on its own core (see `started`).
                Kind::Distributed => 0,
                Kind::Parallel => self.last_event,
            };
            let cursor = Arc::new(ChildCursor::default());
            let role = Role::Child {
                parent: Arc::clone(&me),
                fanout_event,
                run,
                index,
                cursor: Arc::clone(&cursor),
                execution: kind == Kind::Distributed,
            };
            let seed = self.child_seed();
            let exec = Arc::clone(&self.exec);
            let mut child = ExecutionActor::for_body(exec, body, role, input, resume, seed, last);
            child.child_run = child_run;
            if let Some(outer) = outer_vars {
                child.vars = Variables::within(outer);
            }
            if kind != Kind::Parallel && self.exec.times_states() {
                child.item_since = Some(std::time::Instant::now());
            }
            let (tx, rx) = channel::channel(16);
            waiting.push(Box::new(PendingChild { rx, actor: child }));
            let addr: Addr<ExecutionActor> = Addr::new(tx);
            let f = self
                .pos
                .as_mut()
                .and_then(|p| p.fanout.as_mut())
                .expect("the fan-out being filled");
            f.table.set_running(index);
            f.running.insert(index, (addr.recipient(), cursor));
        }
        self.exec.spawner.start_children(waiting);
        if let Some(e) = feed_error {
            self.map_run_failed(ctx, state, e);
        }
    }

    /// Refills the window once the completions already queued are handled.
    pub(crate) fn schedule_refill(&mut self, ctx: &mut Context<Self>) {
        if let Some(f) = self.pos.as_mut().and_then(|p| p.fanout.as_mut()) {
            if f.has_more() && !f.refill_scheduled {
                f.refill_scheduled = true;
                ctx.notify(Refill { run: f.run });
            }
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
