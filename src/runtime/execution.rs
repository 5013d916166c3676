//! `ExecutionActor`: one actor per execution. It drives the pure `interpret` steps, carries
//! out their effects (task calls, sleeps) as actor futures, and records history.
//!
//! States that need no waiting (Pass, Choice, Succeed, Fail) run in a synchronous loop inside
//! one actor turn; only tasks and sleeps suspend the actor, so a chain of Pass states costs no
//! message round-trips.

use super::clock::{iso, Clock};
use super::handlers::{HandlerRegistry, TaskFailure, TaskRequest, TaskResult};
use super::history::{details_key, state_event, task_event, HistoryEvent, TaskPhase};
use super::mock::{cause_text, MockAnswer, MockCase};
use super::record::{ExecutionRecord, ExecutionStatus};
use super::size::json_size;
use crate::asl::model::{State, StateId, StateKind, StateMachine, TaskState, Transition};
use crate::data::{names, ContextObject, ExecutionInfo, Scope, StatesError};
use crate::interpret::policy::{self, Recovery, RetryCounters};
use crate::interpret::task::{resource_parts, Family, Pattern};
use crate::interpret::{choice, fail, pass, succeed, task, wait};
use actix::prelude::*;
use futures::future::{self, BoxFuture, FutureExt};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Everything an execution needs to run.
pub struct ExecutionSpec {
    pub record: Arc<ExecutionRecord>,
    pub machine: Arc<StateMachine>,
    pub state_machine_name: String,
    pub role_arn: String,
    pub mocks: Option<MockCase>,
    pub handlers: HandlerRegistry,
    pub clock: Arc<dyn Clock>,
    /// Largest input/output of a state, in bytes of JSON (AWS: 262,144).
    pub payload_limit: usize,
    pub seed: u64,
    pub keep_history: bool,
}

/// Stops a running execution (StopExecution): it ends ABORTED.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct StopExecution {
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// Where the execution is: the current state and what it was entered with.
struct Position {
    state: StateId,
    input: Value,
    entered_id: u64,
    entered_time: String,
    counters: RetryCounters,
}

pub struct ExecutionActor {
    spec: ExecutionSpec,
    info: ExecutionInfo,
    rng: SmallRng,
    pos: Option<Position>,
    /// Invocations so far per state name, for mocked responses.
    mock_calls: HashMap<String, u32>,
    pending: Option<SpawnHandle>,
    last_event: u64,
    region: String,
    finished: bool,
}

/// Whether the synchronous loop goes on or waits for a future.
enum Flow {
    Continue,
    Suspended,
}

impl ExecutionActor {
    pub fn new(spec: ExecutionSpec) -> Self {
        let record = &spec.record;
        let region = record
            .execution_arn
            .split(':')
            .nth(3)
            .unwrap_or("us-east-1")
            .to_string();
        let info = ExecutionInfo {
            id: record.execution_arn.clone(),
            name: record.name.clone(),
            input: record.input.clone(),
            role_arn: spec.role_arn.clone(),
            start_time: iso(record.start_date),
            redrive_count: 0,
            state_machine_id: record.state_machine_arn.clone(),
            state_machine_name: spec.state_machine_name.clone(),
        };
        ExecutionActor {
            rng: SmallRng::seed_from_u64(spec.seed),
            spec,
            info,
            pos: None,
            mock_calls: HashMap::new(),
            pending: None,
            last_event: 0,
            region,
            finished: false,
        }
    }

    /// Records an event. `details` is only evaluated when history is kept (not for
    /// EXPRESS), since it serialises the state's data.
    fn event(&mut self, event_type: &'static str, details: impl FnOnce() -> Option<Value>) -> u64 {
        self.last_event += 1;
        let id = self.last_event;
        if self.spec.keep_history {
            let e = HistoryEvent {
                timestamp: self.spec.clock.now(),
                event_type,
                id,
                previous_event_id: id - 1,
                details: details().map(|d| (details_key(event_type), d)),
            };
            self.spec.record.with(|p| p.history.push(e));
        }
        id
    }

    fn enter(&mut self, id: StateId, input: Value) {
        let machine = Arc::clone(&self.spec.machine);
        let state = machine.body.state(id);
        let entered_id = self.event(state_event(state.kind.type_name(), true), || {
            Some(json!({"name": state.name, "input": input.to_string(), "inputDetails": {"truncated": false}}))
        });
        self.pos = Some(Position {
            state: id,
            input,
            entered_id,
            entered_time: iso(self.spec.clock.now()),
            counters: RetryCounters::default(),
        });
    }

    /// Runs states until one must wait or the execution ends.
    fn drive(&mut self, ctx: &mut Context<Self>) {
        while !self.finished {
            let Some(pos) = &self.pos else { return };
            let machine = Arc::clone(&self.spec.machine);
            let state = machine.body.state(pos.state);
            if let Flow::Suspended = self.step(state, ctx) {
                return;
            }
        }
        ctx.stop();
    }

    fn step(&mut self, state: &State, ctx: &mut Context<Self>) -> Flow {
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.info, &state.name, pos.entered_time.clone());
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        match &state.kind {
            StateKind::Pass(p) => {
                let r = pass::run(state, p, &mut scope);
                self.complete(ctx, state, r, p.transition)
            }
            StateKind::Choice(c) => match choice::run(state, c, &mut scope) {
                Ok((next, out)) => self.complete(ctx, state, Ok(out), Transition::Next(next)),
                Err(e) => self.state_error(ctx, state, e, true),
            },
            StateKind::Succeed => {
                let r = succeed::run(state, &scope);
                self.complete(ctx, state, r, Transition::End)
            }
            StateKind::Fail(f) => match fail::run(f, &mut scope) {
                Ok(e) => {
                    self.finish(ExecutionStatus::FAILED, None, Some(e));
                    Flow::Continue
                }
                Err(e) => self.state_error(ctx, state, e, true),
            },
            StateKind::Wait(w) => match wait::plan(state, w, &scope, self.spec.clock.now()) {
                Ok(plan) => {
                    let transition = w.transition;
                    let sleep = self.spec.clock.sleep_until(plan.until);
                    self.suspend(ctx, sleep, move |act, ctx, ()| {
                        let machine = Arc::clone(&act.spec.machine);
                        let state = machine.body.state(act.pos.as_ref().expect("waiting").state);
                        act.complete(ctx, state, Ok(plan.output), transition)
                    })
                }
                Err(e) => self.state_error(ctx, state, e, true),
            },
            StateKind::Task(t) => self.start_task(ctx, state, t),
            StateKind::Parallel(_) | StateKind::Map(_) => {
                let e = StatesError::runtime(format!(
                    "{} states are parsed and validated but do not run in this version yet",
                    state.kind.type_name()
                ));
                self.state_error(ctx, state, e, true)
            }
        }
    }

    /// Waits for `fut` as an actor future, then continues with `then` and the loop.
    fn suspend<T: 'static>(
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
            if let Flow::Continue = then(act, ctx, v) {
                act.drive(ctx);
            }
        }));
        self.pending = Some(handle);
        Flow::Suspended
    }

    /// A state produced its output (or failed doing so): leave it and follow `transition`.
    fn complete(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        output: Result<Value, StatesError>,
        transition: Transition,
    ) -> Flow {
        let output = match output {
            Ok(v) => v,
            Err(e) => return self.state_error(ctx, state, e, true),
        };
        if let Err(e) = self.check_size(&output, state) {
            return self.state_error(ctx, state, e, false);
        }
        self.event(state_event(state.kind.type_name(), false), || {
            Some(json!({"name": state.name, "output": output.to_string(), "outputDetails": {"truncated": false}}))
        });
        match transition {
            Transition::Next(id) => self.enter(id, output),
            Transition::End => self.finish(ExecutionStatus::SUCCEEDED, Some(output), None),
        }
        Flow::Continue
    }

    /// AWS: a state whose output exceeds the payload limit fails with
    /// States.DataLimitExceeded, which no Catcher can handle.
    fn check_size(&self, v: &Value, state: &State) -> Result<(), StatesError> {
        let n = json_size(v);
        if n > self.spec.payload_limit {
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

    /// A state failed: retry, catch or fail the execution. Errors the runtime raised itself
    /// (bad paths, bad values) carry AWS's "An error occurred while executing the state"
    /// prefix in their cause.
    fn state_error(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        mut error: StatesError,
        raised_here: bool,
    ) -> Flow {
        let pos = self.pos.as_mut().expect("a current state");
        if raised_here {
            let detail = error.cause.take().unwrap_or_default();
            error.cause = Some(format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                state.name, pos.entered_id, detail
            ));
        }
        let recovery = policy::recover(
            state.retry(),
            state.catch(),
            error,
            &mut pos.counters,
            &pos.input,
            &mut self.rng,
        );
        match recovery {
            Recovery::Retry { delay } => {
                let until = self.spec.clock.now()
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::zero());
                let sleep = self.spec.clock.sleep_until(until);
                // Back in the loop, the same state runs again without a new StateEntered.
                self.suspend(ctx, sleep, |_, _, ()| Flow::Continue)
            }
            Recovery::Catch { next, output } => {
                self.event(state_event(state.kind.type_name(), false), || {
                    Some(json!({"name": state.name, "output": output.to_string(), "outputDetails": {"truncated": false}}))
                });
                self.enter(next, output);
                Flow::Continue
            }
            Recovery::Fail(e) => {
                self.finish(ExecutionStatus::FAILED, None, Some(e));
                Flow::Continue
            }
        }
    }

    fn start_task(&mut self, ctx: &mut Context<Self>, state: &State, t: &TaskState) -> Flow {
        let family = Family::of(&t.resource);
        let pos = self.pos.as_ref().expect("a current state");
        let attempt = pos.counters.total() as u32;
        let mut context = ContextObject::new(&self.info, &state.name, pos.entered_time.clone());
        context.retry_count = Some(attempt);
        if family == Family::Service(Pattern::WaitForTaskToken) {
            context.task_token = Some(
                uuid::Builder::from_random_bytes(rand::Rng::gen(&mut self.rng))
                    .into_uuid()
                    .to_string(),
            );
        }
        let task_token = context.task_token.clone();
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        let call = match task::prepare(state, t, &mut scope) {
            Ok(c) => c,
            Err(e) => return self.state_error(ctx, state, e, true),
        };
        let prefix = family.event_prefix();
        let (resource_type, resource) = resource_parts(&t.resource);
        let scheduled = match family {
            Family::Service(_) => {
                let mut d = json!({
                    "resourceType": resource_type,
                    "resource": resource,
                    "region": self.region,
                    "parameters": call.parameters.to_string(),
                });
                if let Some(s) = call.timeout_seconds {
                    d["timeoutInSeconds"] = json!(s);
                }
                if let Some(s) = call.heartbeat_seconds {
                    d["heartbeatInSeconds"] = json!(s);
                }
                d
            }
            _ => {
                let mut d = json!({"resource": t.resource, "input": call.parameters.to_string()});
                if let Some(s) = call.timeout_seconds {
                    d["timeoutInSeconds"] = json!(s);
                }
                d
            }
        };
        self.event(task_event(prefix, TaskPhase::Scheduled), || Some(scheduled));
        let started = matches!(family, Family::Service(_))
            .then(|| json!({"resourceType": resource_type, "resource": resource}));
        self.event(task_event(prefix, TaskPhase::Started), || started);
        if family.submits() {
            self.event(task_event(prefix, TaskPhase::Submitted), || {
                Some(json!({"resourceType": resource_type, "resource": resource, "output": "{}"}))
            });
        }
        let answer = self.answer(state, t, family, call.parameters, attempt, task_token);
        let answer = self.with_deadlines(answer, call.timeout_seconds, call.heartbeat_seconds);
        self.suspend(ctx, answer, move |act, ctx, result| {
            act.task_done(ctx, result)
        })
    }

    /// The future that answers a task: a mocked response, a registered handler, or an
    /// error that says what is missing.
    fn answer(
        &mut self,
        state: &State,
        t: &TaskState,
        family: Family,
        parameters: Value,
        attempt: u32,
        task_token: Option<String>,
    ) -> BoxFuture<'static, TaskResult> {
        if let Some(resp) = self.spec.mocks.as_ref().and_then(|m| m.get(&state.name)) {
            let n = self.mock_calls.entry(state.name.clone()).or_insert(0);
            let this = *n;
            *n += 1;
            let r = match resp.answer(this) {
                Some(MockAnswer::Return(v)) => Ok(v.clone()),
                Some(MockAnswer::Throw { error, cause }) => Err(TaskFailure {
                    error: error.clone(),
                    // An empty mocked cause is no cause, as AWS records timeouts.
                    cause: cause
                        .as_ref()
                        .map(|c| cause_text(c, family == Family::Lambda))
                        .filter(|c| !c.is_empty()),
                }),
                None => Err(TaskFailure::new(
                    names::TASK_FAILED,
                    format!(
                        "The mocked response of state '{}' has no answer for invocation {this}",
                        state.name
                    ),
                )),
            };
            return future::ready(r).boxed();
        }
        match self.spec.handlers.get(&t.resource) {
            Some(h) => h.call(TaskRequest {
                resource: t.resource.clone(),
                parameters,
                state_name: state.name.clone(),
                execution_arn: self.info.id.clone(),
                attempt,
                task_token,
                clock: Arc::clone(&self.spec.clock),
            }),
            None => future::ready(Err(TaskFailure::new(
                names::TASK_FAILED,
                format!(
                    "No task handler is registered for resource '{}' and no mocked response is configured for state '{}'",
                    t.resource, state.name
                ),
            )))
            .boxed(),
        }
    }

    /// Races the answer against TimeoutSeconds and HeartbeatSeconds on the clock.
    fn with_deadlines(
        &self,
        answer: BoxFuture<'static, TaskResult>,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
    ) -> BoxFuture<'static, TaskResult> {
        let now = self.spec.clock.now();
        let mut racers = vec![answer];
        for (secs, error) in [
            (timeout, names::TIMEOUT),
            (heartbeat, names::HEARTBEAT_TIMEOUT),
        ] {
            if let Some(s) = secs {
                let d = self
                    .spec
                    .clock
                    .deadline(now + chrono::Duration::seconds(s as i64));
                racers.push(
                    d.map(move |()| {
                        Err(TaskFailure {
                            error: error.into(),
                            cause: None,
                        })
                    })
                    .boxed(),
                );
            }
        }
        if racers.len() == 1 {
            return racers.pop().expect("one racer");
        }
        future::select_all(racers).map(|(r, _, _)| r).boxed()
    }

    fn task_done(&mut self, ctx: &mut Context<Self>, result: TaskResult) -> Flow {
        let machine = Arc::clone(&self.spec.machine);
        let pos = self.pos.as_ref().expect("a task in progress");
        let state = machine.body.state(pos.state);
        let StateKind::Task(t) = &state.kind else {
            unreachable!("task_done follows a Task state")
        };
        let family = Family::of(&t.resource);
        let prefix = family.event_prefix();
        let (resource_type, resource) = resource_parts(&t.resource);
        let service = matches!(family, Family::Service(_));
        match result {
            Ok(v) => {
                self.event(task_event(prefix, TaskPhase::Succeeded), || {
                    let mut d =
                        json!({"output": v.to_string(), "outputDetails": {"truncated": false}});
                    if service {
                        d["resourceType"] = json!(resource_type);
                        d["resource"] = json!(resource);
                    }
                    Some(d)
                });
                if let Err(e) = self.check_size(&v, state) {
                    return self.state_error(ctx, state, e, false);
                }
                let pos = self.pos.as_ref().expect("a task in progress");
                let mut context =
                    ContextObject::new(&self.info, &state.name, pos.entered_time.clone());
                context.retry_count = Some(pos.counters.total() as u32);
                let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
                let out = task::finish(state, t, v, &mut scope);
                self.complete(ctx, state, out, t.transition)
            }
            Err(f) => {
                let timed_out = f.error == names::TIMEOUT || f.error == names::HEARTBEAT_TIMEOUT;
                let phase = if timed_out {
                    TaskPhase::TimedOut
                } else {
                    TaskPhase::Failed
                };
                let mut d = Map::new();
                if service {
                    d.insert("resourceType".into(), json!(resource_type));
                    d.insert("resource".into(), json!(resource));
                }
                d.insert("error".into(), json!(f.error));
                if let Some(c) = &f.cause {
                    d.insert("cause".into(), json!(c));
                }
                self.event(task_event(prefix, phase), || Some(Value::Object(d)));
                let e = StatesError {
                    error: f.error,
                    cause: f.cause,
                };
                self.state_error(ctx, state, e, false)
            }
        }
    }

    /// Ends the execution: final event, record, waiters.
    fn finish(
        &mut self,
        status: ExecutionStatus,
        output: Option<Value>,
        error: Option<StatesError>,
    ) {
        if self.finished {
            return;
        }
        self.finished = true;
        let (event_type, details) = match status {
            ExecutionStatus::SUCCEEDED => (
                "ExecutionSucceeded",
                json!({"output": output.as_ref().map(Value::to_string), "outputDetails": {"truncated": false}}),
            ),
            ExecutionStatus::TIMED_OUT => ("ExecutionTimedOut", error_details(error.as_ref())),
            ExecutionStatus::ABORTED => ("ExecutionAborted", error_details(error.as_ref())),
            _ => ("ExecutionFailed", error_details(error.as_ref())),
        };
        self.event(event_type, || Some(details));
        let stop = self.spec.clock.now();
        self.spec.record.with(|p| {
            p.status = status;
            p.output = output;
            if let Some(e) = error {
                p.error = Some(e.error).filter(|s| !s.is_empty());
                p.cause = e.cause;
            }
            p.stop_date = Some(stop);
        });
        self.spec.record.mark_done();
    }
}

fn error_details(e: Option<&StatesError>) -> Value {
    let mut d = Map::new();
    if let Some(e) = e {
        if !e.error.is_empty() {
            d.insert("error".into(), json!(e.error));
        }
        if let Some(c) = &e.cause {
            d.insert("cause".into(), json!(c));
        }
    }
    Value::Object(d)
}

impl Actor for ExecutionActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        let input = self.spec.record.input.clone();
        let role_arn = self.spec.role_arn.clone();
        self.event("ExecutionStarted", || {
            Some(json!({
                "input": input.to_string(),
                "inputDetails": {"truncated": false},
                "roleArn": role_arn,
            }))
        });
        if let Some(secs) = self.spec.machine.timeout_seconds {
            let at = self.spec.record.start_date + chrono::Duration::seconds(secs as i64);
            let deadline = self.spec.clock.deadline(at);
            ctx.spawn(deadline.into_actor(self).map(|(), act, ctx| {
                if act.finished {
                    return;
                }
                if let Some(h) = act.pending.take() {
                    ctx.cancel_future(h);
                }
                act.finish(
                    ExecutionStatus::TIMED_OUT,
                    None,
                    Some(StatesError {
                        error: names::TIMEOUT.into(),
                        cause: None,
                    }),
                );
                ctx.stop();
            }));
        }
        let start = self.spec.machine.body.start_at;
        self.enter(start, input);
        self.drive(ctx);
    }

    fn stopped(&mut self, _: &mut Context<Self>) {
        // An actor can only stop early if its arbiter shuts down; the record must not be
        // left RUNNING with waiters blocked forever.
        if !self.finished {
            self.finish(
                ExecutionStatus::ABORTED,
                None,
                Some(StatesError {
                    error: String::new(),
                    cause: Some("The runtime shut down".into()),
                }),
            );
        }
    }
}

impl Handler<StopExecution> for ExecutionActor {
    type Result = ();

    fn handle(&mut self, msg: StopExecution, ctx: &mut Context<Self>) {
        if self.finished {
            return;
        }
        if let Some(h) = self.pending.take() {
            ctx.cancel_future(h);
        }
        self.finish(
            ExecutionStatus::ABORTED,
            None,
            Some(StatesError {
                error: msg.error.unwrap_or_default(),
                cause: msg.cause,
            }),
        );
        ctx.stop();
    }
}
