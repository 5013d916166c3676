//! `ExecutionActor`: runs one body of states. The root actor runs the execution's top-level
//! body and owns its end; each Parallel branch and Map iteration is a child actor of the
//! same type that reports `ChildFinished { index, outcome }` to its parent and stops.
//!
//! States that need no waiting (Pass, Choice, Succeed, Fail) run in a synchronous loop inside
//! one actor turn; only tasks, sleeps and fan-outs suspend the actor, so a chain of Pass
//! states costs no message round-trips. Task calls are in `task_call.rs`, fan-out in
//! `fanout.rs`, start and end in `lifecycle.rs`.

use super::clock::Clock;
use super::completions::Completions;
use super::config::Config;
use super::fanout::FanOut;
use super::history::{exited_details, io_details, state_entered, state_exited};
use super::map_run::MapRunRecord;
use super::map_run::MapRuns;
use super::messages::ChildFinished;
use super::mock::MockCase;
use super::record::ExecutionRecord;
use super::resume::ChildCursor;
use super::shared::{Common, ExecutionShared, Spawner};
use crate::asl::model::{Body, State, StateId, StateKind, StateMachine, Transition};
use crate::data::json_size;
use crate::data::{names, ContextObject, Scope, StatesError, Variables};
use crate::interpret::policy::{self, Recovery, RetryCounters};
use crate::interpret::{choice, fail, pass, succeed, wait, Exit};
use crate::objects::ObjectStore;
use crate::types::ExecutionStatus;
use crate::types::HistoryEventType;
use crate::types::{ChildResume, RecoveredFanOut, ResumePoint};
use actix::prelude::*;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::Value;
use std::sync::Arc;

/// Everything an execution needs to run.
pub struct ExecutionSpec {
    pub record: Arc<ExecutionRecord>,
    pub machine: Arc<StateMachine>,
    pub state_machine_name: String,
    pub role_arn: String,
    pub mocks: Option<MockCase>,
    /// The service's settings.
    pub config: Arc<Config>,
    /// This execution's clock (a fork of the service's).
    pub clock: Arc<dyn Clock>,
    pub seed: u64,
    pub keep_history: bool,
    /// Set for a redrive (or a restart): where the execution continues.
    pub resume: Option<ResumePoint>,
    pub redrive_count: u32,
    /// Continuing after a restart of the process, not a redrive: no ExecutionRedriven.
    pub recovering: bool,
    /// A redrive whose ExecutionRedriven event is already in the history (the process
    /// that accepted it died before entering the state again): not announced twice.
    pub redrive_announced: bool,
    /// With `recovering`: the children the resumed state's fan-out already completed.
    pub recovered_fanout: Option<RecoveredFanOut>,
    /// Where Distributed Map states register their Map Runs and child executions.
    pub map_runs: Arc<MapRuns>,
    /// The object store behind `s3://` (ItemReader, ResultWriter).
    pub objects: Arc<dyn ObjectStore>,
}

/// Whether an actor runs the execution itself or one branch/iteration of a fan-out.
pub(crate) enum Role {
    Root,
    Child {
        parent: Arc<Completions>,
        /// The Entered event of the Parallel or Map state, which names the fan-out in the
        /// journal.
        fanout_event: u64,
        run: u64,
        index: u32,
        /// Where the child is, so that the parent can record `{Type}StateAborted` itself,
        /// in order, and know where a redrive resumes the child.
        cursor: Arc<ChildCursor>,
        /// A child execution of a Distributed Map: an execution of its own, which records
        /// its own start and end.
        execution: bool,
    },
}

/// Where the body is: the current state and what it was entered with.
pub(crate) struct Position {
    pub(crate) state: StateId,
    pub(crate) input: Value,
    pub(crate) entered_id: u64,
    pub(crate) entered_time: DateTime<Utc>,
    pub(crate) counters: RetryCounters,
    /// The branches or iterations in flight while a Parallel or Map state runs.
    pub(crate) fanout: Option<Box<FanOut>>,
    /// On a redrive: what the branches or iterations of this state achieved before.
    pub(crate) fanout_resume: Option<Vec<ChildResume>>,
    /// After a restart: the children of this state's fan-out that already succeeded.
    pub(crate) recovered: Option<RecoveredFanOut>,
    /// The children's outcomes when this fan-out state failed, for a later redrive.
    pub(crate) failed_fanout: Option<Vec<ChildResume>>,
    /// When the state was entered, if an observer times states.
    pub(crate) since: Option<std::time::Instant>,
}

impl Position {
    /// A state just entered (or, after a restart, still in progress): fresh retry
    /// counters, no fan-out yet.
    pub(crate) fn new(
        state: StateId,
        input: Value,
        entered_id: u64,
        entered_time: DateTime<Utc>,
    ) -> Self {
        Position {
            state,
            input,
            entered_id,
            entered_time,
            counters: RetryCounters::default(),
            fanout: None,
            fanout_resume: None,
            recovered: None,
            failed_fanout: None,
            since: None,
        }
    }
}

pub struct ExecutionActor {
    pub(crate) shared: Arc<ExecutionShared>,
    pub(crate) body: Arc<Body>,
    pub(crate) role: Role,
    pub(crate) start_input: Option<Value>,
    /// Where to start instead of StartAt (a redrive).
    pub(crate) resume: Option<ResumePoint>,
    /// The resume continues a run the process lost, rather than redriving an ended one.
    pub(crate) recovering: bool,
    /// See [`ExecutionSpec::redrive_announced`].
    pub(crate) redrive_announced: bool,
    pub(crate) recovered_fanout: Option<RecoveredFanOut>,
    pub(crate) rng: SmallRng,
    pub(crate) pos: Option<Position>,
    pub(crate) pending: Option<SpawnHandle>,
    pub(crate) last_event: u64,
    pub(crate) finished: bool,
    pub(crate) fanout_runs: u64,
    /// Where this actor's children report, made with its first fan-out.
    pub(crate) completions: Option<Arc<Completions>>,
    /// The reports of this actor's children being handled (kept for its room).
    pub(crate) reports: Vec<ChildFinished>,
    /// A Distributed Map's child execution not started yet: the run it belongs to.
    pub(crate) child_run: Option<Arc<MapRunRecord>>,
    /// The workflow variables this body reads and assigns.
    pub(crate) vars: Variables,
    /// For a Map iteration or Distributed Map child, when it was dispatched, if an
    /// observer times items.
    pub(crate) item_since: Option<std::time::Instant>,
}

/// Whether the synchronous loop goes on or waits for a future or message.
pub(crate) enum Flow {
    Continue,
    Suspended,
}

impl ExecutionActor {
    /// The root actor of a new execution.
    pub fn new(spec: ExecutionSpec, spawner: Spawner) -> Self {
        let record = &spec.record;
        let info = record.info(&spec.role_arn, spec.redrive_count, &spec.state_machine_name);
        let body = Arc::clone(&spec.machine.body);
        let input = if spec.resume.is_some() {
            Value::Null
        } else {
            (*record.input).clone()
        };
        let common = Common {
            machine: spec.machine,
            role_arn: spec.role_arn,
            mocks: spec.mocks,
            clock: spec.clock,
            config: spec.config,
            spawner,
            map_runs: spec.map_runs,
            objects: spec.objects,
        };
        let shared = ExecutionShared::new(spec.record, info, spec.keep_history, common);
        let resume = spec.resume;
        let recovering = spec.recovering;
        let mut actor = Self::with(
            Arc::new(shared),
            body,
            Role::Root,
            input,
            resume,
            spec.seed,
            0,
        );
        actor.recovering = recovering;
        actor.redrive_announced = spec.redrive_announced;
        actor.recovered_fanout = spec.recovered_fanout;
        actor
    }

    pub(crate) fn with(
        shared: Arc<ExecutionShared>,
        body: Arc<Body>,
        role: Role,
        input: Value,
        resume: Option<ResumePoint>,
        seed: u64,
        last_event: u64,
    ) -> Self {
        ExecutionActor {
            shared,
            body,
            role,
            start_input: Some(input),
            resume,
            recovering: false,
            redrive_announced: false,
            recovered_fanout: None,
            rng: SmallRng::seed_from_u64(seed),
            pos: None,
            pending: None,
            last_event,
            finished: false,
            fanout_runs: 0,
            completions: None,
            child_run: None,
            reports: Vec::new(),
            vars: Variables::default(),
            item_since: None,
        }
    }

    pub(crate) fn event(
        &mut self,
        event_type: HistoryEventType,
        details: impl FnOnce() -> Option<Value>,
    ) -> u64 {
        self.event_text(event_type, || details().map(|d| d.to_string()))
    }

    /// Records an event whose details are already JSON text (the hot events build it
    /// directly, without an intermediate JSON value).
    pub(crate) fn event_text(
        &mut self,
        event_type: HistoryEventType,
        details: impl FnOnce() -> Option<String>,
    ) -> u64 {
        if self.aborted() {
            return self.last_event;
        }
        let id = self.shared.event(event_type, self.last_event, details);
        self.last_event = id;
        id
    }

    pub(crate) fn enter(&mut self, id: StateId, input: Value) {
        let body = Arc::clone(&self.body);
        let state = body.state(id);
        let entered_id = self.event_text(state_entered(&state.kind), || {
            Some(io_details(&state.name, "input", &input))
        });
        match &self.role {
            Role::Child { cursor, .. } => cursor.entered(id, entered_id),
            Role::Root => {
                if let Some(j) = self.shared.record.journal() {
                    j.root_entered(id.0, entered_id);
                }
            }
        }
        let mut pos = Position::new(id, input, entered_id, self.shared.clock.now());
        if let Some(o) = &self.shared.observer {
            o.state_entered();
            pos.since = Some(std::time::Instant::now());
        }
        self.pos = Some(pos);
    }

    /// Where this body stands, for a redrive after it stopped unsuccessfully.
    pub(crate) fn resume_point(&mut self) -> Option<ResumePoint> {
        let pos = self.pos.as_mut()?;
        Some(ResumePoint {
            state: pos.state,
            entered_event: pos.entered_id,
            fanout: pos.failed_fanout.take(),
            variables: self.vars.own().clone(),
        })
    }

    /// The input a state was entered with, read back from its Entered event (event 0: the
    /// execution's input).
    pub(crate) fn entered_input(&self, event: u64) -> Value {
        if event == 0 {
            return (*self.shared.record.input).clone();
        }
        let details = self.shared.record.with(|p| {
            p.history
                .get(event.saturating_sub(1) as usize)
                .and_then(|e| e.details.as_ref())
                .map(|(_, d)| std::sync::Arc::clone(d))
        });
        let text = details
            .and_then(|d| serde_json::from_str::<Value>(&d).ok())
            .and_then(|d| d.get("input").and_then(Value::as_str).map(String::from));
        text.and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null)
    }

    /// Whether the parent has aborted this child (it may not have got the message yet).
    pub(crate) fn aborted(&self) -> bool {
        matches!(&self.role, Role::Child { cursor, .. } if cursor.is_aborted())
    }

    /// Runs states until one must wait or the body ends.
    pub(crate) fn drive(&mut self, ctx: &mut Context<Self>) {
        while !self.finished {
            if self.aborted() {
                self.halt(ctx);
                self.finished = true;
                break;
            }
            if self.shared.keep_history
                && self.last_event.saturating_add(2) >= self.shared.history_limit as u64
            {
                // AWS: an execution whose history reaches its limit fails; room is kept
                // for the events that say so.
                let limit = self.shared.history_limit;
                self.fail_now(
                    ctx,
                    StatesError::runtime(format!(
                        "The execution reached the maximum number of history events ({limit})"
                    )),
                );
                break;
            }
            let Some(pos) = &self.pos else { return };
            let body = Arc::clone(&self.body);
            let state = body.state(pos.state);
            if let Flow::Suspended = self.guarded(ctx, |act, ctx| act.step(state, ctx)) {
                return;
            }
        }
        ctx.stop();
    }

    /// Runs `work` (an actor callback) as [`Self::guarded`] does: a panic in it fails this
    /// body and stops the actor, and leaves the arbiter running.
    pub(crate) fn contained(
        &mut self,
        ctx: &mut Context<Self>,
        work: impl FnOnce(&mut Self, &mut Context<Self>),
    ) {
        let flow = self.guarded(ctx, |act, ctx| {
            work(act, ctx);
            Flow::Suspended
        });
        if let Flow::Continue = flow {
            ctx.stop();
        }
    }

    /// Runs one piece of a state's work. A panic in it (a defect of the runtime, or an
    /// input nothing foresaw) fails this body with `States.Runtime` naming the state,
    /// instead of unwinding through the arbiter's thread and taking down every execution
    /// that runs on it.
    pub(crate) fn guarded(
        &mut self,
        ctx: &mut Context<Self>,
        work: impl FnOnce(&mut Self, &mut Context<Self>) -> Flow,
    ) -> Flow {
        let panic = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(self, ctx)))
        {
            Ok(flow) => return flow,
            Err(panic) => panic,
        };
        let what = panic_text(&*panic);
        let name = self
            .pos
            .as_ref()
            .map(|p| self.body.state(p.state).name.clone())
            .unwrap_or_default();
        self.fail_now(
            ctx,
            StatesError::runtime(format!(
                "An error occurred while executing the state '{name}': the runtime failed: {what}"
            )),
        );
        Flow::Continue
    }

    /// Ends this body with `error` at once, whatever is in flight (no Retry or Catch: the
    /// errors that come here are not for them).
    fn fail_now(&mut self, ctx: &mut Context<Self>, error: StatesError) {
        self.halt(ctx);
        self.end_body(ctx, Err(error));
        self.finished = true;
    }

    fn step(&mut self, state: &State, ctx: &mut Context<Self>) -> Flow {
        if let StateKind::Task(t) = &state.kind {
            return self.start_task(ctx, state, t);
        }
        if let StateKind::Parallel(p) = &state.kind {
            return self.start_parallel(ctx, state, p);
        }
        if let StateKind::Map(m) = &state.kind {
            return self.start_map(ctx, state, m);
        }
        // The states left cannot Catch, so their input is not needed once they ran: move
        // it instead of copying it.
        let raw = std::mem::take(&mut self.pos.as_mut().expect("a current state").input);
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.shared.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        match &state.kind {
            StateKind::Pass(p) => {
                let r = pass::run(state, p, raw, &context, &mut self.rng);
                self.complete(ctx, state, r, p.transition)
            }
            StateKind::Choice(c) => match choice::run(state, c, raw, &context, &mut self.rng) {
                Ok((next, exit)) => self.complete(ctx, state, Ok(exit), Transition::Next(next)),
                Err(e) => self.state_error(ctx, state, e, true),
            },
            StateKind::Succeed => {
                let r = succeed::run(state, raw, &context).map(Exit::plain);
                self.complete(ctx, state, r, Transition::End)
            }
            StateKind::Fail(f) => {
                let mut scope = Scope::new(&raw, &context, &mut self.rng);
                match fail::run(f, &mut scope) {
                    Ok(e) => {
                        self.end_body(ctx, Err(e));
                        Flow::Continue
                    }
                    Err(e) => self.state_error(ctx, state, e, true),
                }
            }
            StateKind::Wait(w) => {
                let now = self.shared.clock.now();
                match wait::plan(state, w, raw, &context, now, &mut self.rng) {
                    Ok(plan) => {
                        let transition = w.transition;
                        let sleep = self.shared.clock.sleep_until(plan.until);
                        self.suspend(ctx, sleep, move |act, ctx, ()| {
                            let body = Arc::clone(&act.body);
                            let state = body.state(act.pos.as_ref().expect("waiting").state);
                            act.complete(ctx, state, Ok(plan.exit), transition)
                        })
                    }
                    Err(e) => self.state_error(ctx, state, e, true),
                }
            }
            StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_) => {
                unreachable!("handled above")
            }
        }
    }

    /// Waits for `fut` as an actor future, then continues with `then` and the loop.
    pub(crate) fn suspend<T: 'static>(
        &mut self,
        ctx: &mut Context<Self>,
        fut: BoxFuture<'static, T>,
        then: impl FnOnce(&mut Self, &mut Context<Self>, T) -> Flow + 'static,
    ) -> Flow {
        let handle = ctx.spawn(fut.into_actor(self).map(move |v, act, ctx| {
            act.pending = None;
            if act.finished {
                return;
            }
            if let Flow::Continue = act.guarded(ctx, |act, ctx| then(act, ctx, v)) {
                act.drive(ctx);
            }
        }));
        self.pending = Some(handle);
        Flow::Suspended
    }

    /// A state produced its output (or failed doing so): leave it and follow `transition`.
    pub(crate) fn complete(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        exit: Result<Exit, StatesError>,
        transition: Transition,
    ) -> Flow {
        let Exit { output, assigned } = match exit {
            Ok(exit) => exit,
            Err(e) => return self.state_error(ctx, state, e, true),
        };
        if let Err(e) = self.check_size(&output, state) {
            return self.state_error(ctx, state, e, false);
        }
        if let Err(e) = check_assigned(&assigned, state) {
            return self.state_error(ctx, state, e, false);
        }
        self.exited(state, &output, assigned);
        match transition {
            Transition::Next(id) => self.enter(id, output),
            Transition::End => self.end_body(ctx, Ok(output)),
        }
        Flow::Continue
    }

    /// Records the state's Exited event and stores the variables it assigned.
    fn exited(&mut self, state: &State, output: &Value, assigned: crate::interpret::Assigned) {
        if let (Some(o), Some(since)) = (
            &self.shared.observer,
            self.pos.as_ref().and_then(|p| p.since),
        ) {
            o.state_exited(since.elapsed());
        }
        // A Fail state ends its body instead of exiting.
        let Some(event) = state_exited(&state.kind) else {
            return;
        };
        let Some(values) = assigned else {
            self.event_text(event, || Some(io_details(&state.name, "output", output)));
            return;
        };
        self.event_text(event, || Some(exited_details(&state.name, output, &values)));
        self.vars.assign(values);
        if let (Role::Root, Some(j)) = (&self.role, self.shared.record.journal()) {
            j.variables(self.vars.own());
        }
    }

    /// AWS: a state whose output exceeds the payload limit fails with
    /// States.DataLimitExceeded. A value nested deeper than
    /// [`MAX_DEPTH`](crate::data::size::MAX_DEPTH) fails with States.Runtime.
    pub(crate) fn check_size(&self, v: &Value, state: &State) -> Result<(), StatesError> {
        check_depth(v, state)?;
        if json_size(v) > self.shared.payload_limit {
            return Err(StatesError::new(
                names::DATA_LIMIT_EXCEEDED,
                format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    state.name
                ),
            ));
        }
        Ok(())
    }

    /// A state failed: retry, catch or end the body. Errors the runtime raised itself
    /// (bad paths, bad values) carry AWS's "An error occurred while executing the state"
    /// prefix in their cause.
    pub(crate) fn state_error(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        error: StatesError,
        raised_here: bool,
    ) -> Flow {
        let recovery = self.recovery(state, error, raised_here);
        self.recover(ctx, state, recovery)
    }

    /// Decides how the current state recovers from `error` (counting the retry).
    pub(crate) fn recovery(
        &mut self,
        state: &State,
        mut error: StatesError,
        raised_here: bool,
    ) -> Recovery {
        let pos = self.pos.as_mut().expect("a current state");
        if raised_here {
            let detail = error.cause.take().unwrap_or_default();
            error.cause = Some(format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                state.name, pos.entered_id, detail
            ));
        }
        policy::recover(
            state.retry(),
            state.catch(),
            error,
            &mut pos.counters,
            &pos.input,
            &mut self.rng,
        )
    }

    /// Carries out a recovery: sleep then run the state again, leave it for a Catcher, or
    /// end the body with the error.
    pub(crate) fn recover(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        recovery: Recovery,
    ) -> Flow {
        match recovery {
            Recovery::Retry { delay } => {
                let until = crate::data::time::after_std(self.shared.clock.now(), delay);
                let sleep = self.shared.clock.sleep_until(until);
                // Back in the loop, the same state runs again without a new StateEntered.
                self.suspend(ctx, sleep, |_, _, ()| Flow::Continue)
            }
            Recovery::Catch {
                next,
                output,
                catcher,
                error_output,
            } => {
                let pos = self.pos.as_ref().expect("a current state");
                let context = ContextObject::new(&self.shared.info, &state.name, pos.entered_time)
                    .with_variables(&self.vars);
                let assign = state.catch()[catcher].assign.as_ref();
                match crate::interpret::assign(assign, &error_output, &context, &mut self.rng) {
                    Ok(assigned) => {
                        self.exited(state, &output, assigned);
                        self.enter(next, output);
                    }
                    Err(e) => self.end_body(ctx, Err(e)),
                }
                Flow::Continue
            }
            Recovery::Fail(e) => {
                self.end_body(ctx, Err(e));
                Flow::Continue
            }
        }
    }

    /// The body ended: the root ends the execution, a child reports to its parent.
    pub(crate) fn end_body(&mut self, ctx: &mut Context<Self>, result: Result<Value, StatesError>) {
        if self.finished {
            return;
        }
        match &self.role {
            Role::Root => match result {
                Ok(v) => self.finish(ExecutionStatus::SUCCEEDED, Some(v), None),
                Err(e) => self.finish(ExecutionStatus::FAILED, None, Some(e)),
            },
            Role::Child { .. } => {
                let resume = if result.is_err() {
                    self.resume_point()
                } else {
                    None
                };
                let execution_result = if self.is_child_execution() {
                    self.child_execution_ended(&result)
                } else {
                    None
                };
                let Role::Child {
                    parent,
                    fanout_event,
                    run,
                    index,
                    ..
                } = &self.role
                else {
                    unreachable!("matched above")
                };
                // Journaled here, on the child's core, rather than by the parent, whose
                // core every completion of the fan-out passes through.
                // A Distributed Map's child is an execution of its own: its completion
                // belongs to the parent's journal.
                let owner = match (self.is_child_execution(), &self.shared.parent) {
                    (true, Some(parent)) => parent,
                    _ => &self.shared.record,
                };
                if let (Some(o), Some(since)) = (&self.shared.observer, self.item_since) {
                    o.item_done(since.elapsed());
                }
                if let (Ok(output), Some(j)) = (&result, owner.journal()) {
                    let whole = execution_result
                        .as_deref()
                        .filter(|_| self.shared.detailed_result);
                    j.child_done(*fanout_event, *run, *index, output, whole);
                }
                parent.report(ChildFinished {
                    run: *run,
                    index: *index,
                    outcome: result,
                    resume,
                    result: execution_result,
                });
                self.finished = true;
                ctx.stop();
            }
        }
    }
}

/// A value nested deeper than [`MAX_DEPTH`](crate::data::size::MAX_DEPTH) levels fails
/// its state (before anything walks it recursively again).
fn check_depth(v: &Value, state: &State) -> Result<(), StatesError> {
    use crate::data::size::{deeper_than, MAX_DEPTH};
    if deeper_than(v, MAX_DEPTH) {
        return Err(StatesError::runtime(format!(
            "An error occurred while executing the state '{}': the value it produced is nested more than {MAX_DEPTH} levels deep",
            state.name
        )));
    }
    Ok(())
}

/// AWS: the values one Assign gives are at most 256 KiB in all (each variable included).
const ASSIGN_LIMIT: usize = 262_144;

/// The variables a state assigns: within AWS's size limit (States.DataLimitExceeded), and
/// no deeper than a state's output may be.
fn check_assigned(assigned: &crate::interpret::Assigned, state: &State) -> Result<(), StatesError> {
    let Some(values) = assigned else {
        return Ok(());
    };
    let mut total = 0;
    for v in values.values() {
        check_depth(v, state)?;
        total += json_size(v);
    }
    if total > ASSIGN_LIMIT {
        return Err(StatesError::new(
            names::DATA_LIMIT_EXCEEDED,
            format!(
                "The state '{}' assigned variables with a size exceeding the maximum number of bytes service limit.",
                state.name
            ),
        ));
    }
    Ok(())
}

/// What a panic said, if it said it in text.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}
