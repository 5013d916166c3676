//! A Task state's call: scheduling events, the answer (mock, handler, or a clear error),
//! the TimeoutSeconds/HeartbeatSeconds race, and what the result becomes.

use super::actor::{ExecutionActor, Flow};
use crate::asl::model::{State, StateKind, TaskState};
use crate::data::{names, ContextObject, Scope};
use crate::interpret::task::{self, resource_parts, Family, Pattern};
use crate::runtime::handlers::{TaskFailure, TaskRequest, TaskResult};
use crate::runtime::history::{task_event, SharedDetail, TaskPhase};
use crate::runtime::mock::{cause_text, MockAnswer};
use actix::prelude::*;
use futures::future::{self, BoxFuture, FutureExt};
use serde_json::{json, Map, Value};
use std::sync::Arc;

impl ExecutionActor {
    pub(crate) fn start_task(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        t: &TaskState,
    ) -> Flow {
        let family = Family::of(&t.resource);
        let mocked = self
            .exec
            .mocks
            .as_ref()
            .is_some_and(|m| m.get(&state.name).is_some());
        // An activity of no handler of ours is served by workers through GetActivityTask.
        let queued =
            family == Family::Activity && !mocked && self.exec.handlers.get(&t.resource).is_none();
        let callback = family == Family::Service(Pattern::WaitForTaskToken);
        let pos = self.pos.as_mut().expect("a current state");
        let lost = pos.lost_call.take();
        let call_no = pos.task_calls;
        // A STANDARD execution's token names its run (by its start), the state's entry and
        // the call, so that the call a restart continues waits on the token its worker
        // holds. EXPRESS executions are never continued, and their names may repeat.
        let standard = self.exec.record.machine_type == crate::types::StateMachineType::STANDARD;
        let task_token = (callback || queued).then(|| {
            let unique = if standard {
                format!(
                    "{}.{}.{}.{call_no}",
                    self.exec.record.start_date.timestamp_millis(),
                    self.exec.info.redrive_count,
                    pos.entered_id
                )
            } else {
                uuid::Uuid::new_v4().to_string()
            };
            crate::runtime::callbacks::Callbacks::token(&self.exec.info.id, &state.name, &unique)
        });
        let pos = self.pos.as_ref().expect("a current state");
        let attempt = pos.counters.total() as u32;
        let mut context = ContextObject::new(&self.exec.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        context.retry_count = Some(attempt);
        context.task_token = task_token.clone().filter(|_| callback);
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        let call = match task::prepare(state, t, &mut scope) {
            Ok(c) => c,
            Err(e) => return self.state_error(ctx, state, e, true),
        };
        // Counted only once it is scheduled, as a restart counts the calls it finds.
        if let Some(pos) = self.pos.as_mut() {
            pos.task_calls += 1;
        }
        let prefix = family.event_prefix();
        let (resource_type, resource) = resource_parts(&t.resource);
        let region = self.exec.region.clone();
        // A call a restart continues has its events in the history already.
        let record = lost.is_none();
        if record {
            self.event(task_event(prefix, TaskPhase::Scheduled), || {
                let mut d = match family {
                    Family::Service(_) => json!({
                        "resourceType": resource_type,
                        "resource": resource,
                        "region": region,
                        "parameters": call.parameters.to_string(),
                    }),
                    _ => json!({
                        "resource": t.resource,
                        "input": call.parameters.to_string(),
                        "inputDetails": {"truncated": false},
                    }),
                };
                if let Some(s) = call.timeout_seconds {
                    d["timeoutInSeconds"] = json!(s);
                }
                if let (Some(s), Family::Service(_) | Family::Activity) =
                    (call.heartbeat_seconds, family)
                {
                    d["heartbeatInSeconds"] = json!(s);
                }
                Some(d)
            });
        }
        let service = matches!(family, Family::Service(_));
        // A queued activity task starts when a worker takes it.
        let exec = Arc::clone(&self.exec);
        let shared = &exec.shared_details;
        if record && !queued {
            let d = service.then(|| {
                shared.get(&t.resource, SharedDetail::Started, || {
                    json!({"resourceType": resource_type, "resource": resource}).to_string()
                })
            });
            self.event_text(task_event(prefix, TaskPhase::Started), || d);
        }
        if record && family.submits() {
            let d = shared.get(&t.resource, SharedDetail::Submitted, || {
                json!({"resourceType": resource_type, "resource": resource, "output": "{}"})
                    .to_string()
            });
            self.event_text(task_event(prefix, TaskPhase::Submitted), || Some(d));
        }
        // Waiting starts before the integration is called: a worker may answer the token
        // the moment it is sent.
        let wait = task_token.as_ref().filter(|_| !mocked).map(|token| {
            let heartbeats = call.heartbeat_seconds.is_some();
            self.exec.callbacks.wait(token, heartbeats)
        });
        let token_key = wait.as_ref().map(|w| w.key);
        let input = queued.then(|| call.parameters.to_string());
        let called = self.answer(
            state,
            t,
            family,
            call.parameters,
            attempt,
            task_token.clone().filter(|_| callback),
        );
        // Nothing but the token can end this task: once the integration has answered, the
        // execution may lie down until the token is answered.
        let nothing_races = call.timeout_seconds.is_none() && call.heartbeat_seconds.is_none();
        let wait = match wait {
            Some(wait) if nothing_races && !queued && self.can_park() => {
                let at = self.exec.times_states().then(std::time::Instant::now);
                return self.suspend(ctx, called, move |act, ctx, r| {
                    act.called_back(ctx, r, wait, at)
                });
            }
            other => other,
        };
        // A callback task waits for its token once the integration has been called; a
        // mocked answer stands for the whole task, as in Step Functions Local.
        let (mut answer, beats) = match wait {
            Some(mut wait) => {
                let beats = wait.beats.take();
                let waited = wait.answer();
                let answer = async move {
                    called.await?;
                    waited.await
                }
                .boxed();
                (answer, beats)
            }
            None => (called, None),
        };
        // A worker took the task before the restart: it answers with the token it holds.
        let input = input.filter(|_| !lost.is_some_and(|l| l.started));
        if let (Some(input), Some(token)) = (input, &task_token) {
            answer = match self.queue_activity(ctx, state, &t.resource, token, input, answer) {
                Ok(a) => a,
                Err(flow) => return flow,
            };
        }
        if let Some(o) = self.exec.observer.clone() {
            let called = std::time::Instant::now();
            answer = answer
                .map(move |r| {
                    o.task_answered(called.elapsed());
                    r
                })
                .boxed();
        }
        let mut answer =
            self.with_deadlines(answer, call.timeout_seconds, call.heartbeat_seconds, beats);
        drop(task_token);
        if let Some(token) = token_key {
            let callbacks = self.exec.callbacks.clone();
            answer = answer
                .map(move |r| {
                    if r.as_ref().is_err_and(|f| {
                        f.error == names::TIMEOUT || f.error == names::HEARTBEAT_TIMEOUT
                    }) {
                        callbacks.timed_out(token);
                    }
                    r
                })
                .boxed();
        }
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
        if let Some(resp) = self.exec.mocks.as_ref().and_then(|m| m.get(&state.name)) {
            let n = self.exec.next_mock_call(&state.name);
            let r = match resp.answer(n) {
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
                        "The mocked response of state '{}' has no answer for invocation {n}",
                        state.name
                    ),
                )),
            };
            return future::ready(r).boxed();
        }
        match self.exec.handlers.get(&t.resource) {
            Some(h) => {
                let answer = h.call(TaskRequest {
                    resource: t.resource.clone(),
                    parameters,
                    state_name: state.name.clone(),
                    execution_arn: self.exec.info.id.to_string(),
                    attempt,
                    task_token,
                    clock: Arc::clone(&self.exec.clock),
                });
                // A handler that panics fails its task, as a Lambda function that crashes
                // does, instead of the arbiter thread that polls it.
                std::panic::AssertUnwindSafe(answer)
                    .catch_unwind()
                    .map(|r| {
                        r.unwrap_or_else(|panic| {
                            Err(TaskFailure::new(
                                names::TASK_FAILED,
                                format!(
                                    "The task handler panicked: {}",
                                    super::drive::panic_text(&*panic)
                                ),
                            ))
                        })
                    })
                    .boxed()
            }
            // The service a callback task sends its token to is outside this runtime: the
            // call is taken as made, and the task waits for the token.
            None if family == Family::Service(Pattern::WaitForTaskToken)
                || family == Family::Activity =>
            {
                future::ready(Ok(Value::Object(Map::new()))).boxed()
            }
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

    /// Races the answer against TimeoutSeconds and HeartbeatSeconds on the clock; each of
    /// `beats`' changes (SendTaskHeartbeat) starts the heartbeat's time again.
    fn with_deadlines(
        &self,
        answer: BoxFuture<'static, TaskResult>,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
        beats: Option<tokio::sync::watch::Receiver<u64>>,
    ) -> BoxFuture<'static, TaskResult> {
        let now = self.exec.clock.now();
        let mut racers = vec![answer];
        let timed_out = |error: &'static str| {
            Err(TaskFailure {
                error: error.into(),
                cause: None,
            })
        };
        if let Some(s) = timeout {
            let d = self.exec.clock.deadline(crate::data::time::after(now, s));
            racers.push(d.map(move |()| timed_out(names::TIMEOUT)).boxed());
        }
        if let Some(s) = heartbeat {
            let clock = Arc::clone(&self.exec.clock);
            racers.push(
                async move {
                    // Without heartbeats to wait for, a sender kept here that never sends.
                    let (_never, idle) = tokio::sync::watch::channel(0);
                    let mut beats = beats.unwrap_or(idle);
                    let mut from = now;
                    loop {
                        let due = clock.deadline(crate::data::time::after(from, s));
                        tokio::select! {
                            () = due => return timed_out(names::HEARTBEAT_TIMEOUT),
                            beat = beats.changed() => match beat {
                                Ok(()) => from = clock.now(),
                                // The token was answered: the answer wins the race.
                                Err(_) => std::future::pending::<()>().await,
                            },
                        }
                    }
                }
                .boxed(),
            );
        }
        if racers.len() == 1 {
            return racers.pop().expect("one racer");
        }
        future::select_all(racers).map(|(r, _, _)| r).boxed()
    }

    pub(crate) fn task_done(&mut self, ctx: &mut Context<Self>, result: TaskResult) -> Flow {
        let body = Arc::clone(&self.body);
        let state = body.state(self.pos.as_ref().expect("a task in progress").state);
        let StateKind::Task(t) = &state.kind else {
            unreachable!("task_done follows a Task state")
        };
        let family = Family::of(&t.resource);
        let prefix = family.event_prefix();
        let (resource_type, resource) = resource_parts(&t.resource);
        let service = matches!(family, Family::Service(_));
        self.activity_started(true);
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
                    ContextObject::new(&self.exec.info, &state.name, pos.entered_time)
                        .with_variables(&self.vars);
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
                self.event(task_event(prefix, phase), || {
                    let mut d = Map::new();
                    if service {
                        d.insert("resourceType".into(), json!(resource_type));
                        d.insert("resource".into(), json!(resource));
                    }
                    d.insert("error".into(), json!(f.error));
                    if let Some(c) = &f.cause {
                        d.insert("cause".into(), json!(c));
                    }
                    Some(Value::Object(d))
                });
                self.state_error(ctx, state, f.into(), false)
            }
        }
    }
}
