//! The execution actor's lifecycle: start (fresh, redriven or recovered), the end of the
//! execution (final event, record, waiters), StopExecution, aborts from a parent, and what
//! happens if the runtime shuts down underneath it.

use super::actor::{ExecutionActor, Position, Role};
use crate::data::{names, StatesError};
use crate::runtime::messages::Abort;
use crate::runtime::messages::StopExecution;
use crate::types::ExecutionStatus;
use crate::types::HistoryEventType;
use crate::types::ResumePoint;
use actix::prelude::*;
use rand::Rng;
use serde_json::{json, Value};

impl ExecutionActor {
    /// Ends the execution (root only): final event, record, waiters.
    pub(crate) fn finish(
        &mut self,
        status: ExecutionStatus,
        output: Option<Value>,
        error: Option<StatesError>,
    ) {
        if self.finished {
            return;
        }
        self.finished = true;
        let resume = if status == ExecutionStatus::SUCCEEDED {
            None
        } else {
            self.resume_point()
        };
        self.record_end(status, output, error, resume);
    }

    /// Records how this actor's execution ended (the root's, or a Distributed Map child's):
    /// the final event, the record, the journal, and wakes whoever waits.
    pub(crate) fn record_end(
        &mut self,
        status: ExecutionStatus,
        output: Option<Value>,
        error: Option<StatesError>,
        resume: Option<ResumePoint>,
    ) {
        let event_type = match status {
            ExecutionStatus::SUCCEEDED => HistoryEventType::ExecutionSucceeded,
            ExecutionStatus::TIMED_OUT => HistoryEventType::ExecutionTimedOut,
            ExecutionStatus::ABORTED => HistoryEventType::ExecutionAborted,
            _ => HistoryEventType::ExecutionFailed,
        };
        let stop = self.exec.clock.now();
        let details = || {
            Some(match status {
                ExecutionStatus::SUCCEEDED => json!({
                    "output": output.as_ref().map(Value::to_string),
                    "outputDetails": {"truncated": false}
                }),
                _ => crate::runtime::history::error_details(error.as_ref()),
            })
        };
        // The final event and the terminal status are written under one lock, so nothing a
        // late child records can land after them (see Execution::event).
        self.last_event = self.exec.final_event(
            event_type,
            self.last_event,
            || details().map(|d| d.to_string()),
            status,
        );
        self.exec.record.with_progress(|p| {
            p.output = output;
            if let Some(e) = error {
                p.error = Some(e.error).filter(|s| !s.is_empty());
                p.cause = e.cause;
            }
            p.stop_date = Some(stop);
            p.resume = resume.map(Box::new);
            if let Some(j) = self.exec.record.journal() {
                j.ended(p);
            }
        });
        self.exec.record.mark_done();
        // A Distributed Map's children are the Map Run's, not executions of their own.
        if let (Some(o), None) = (&self.exec.observer, &self.exec.parent) {
            let r = &self.exec.record;
            let took = (stop - r.start_date).to_std().unwrap_or_default();
            o.execution_ended(r.state_machine_arn.as_str(), status.as_str(), took);
        }
    }

    /// ExecutionStarted: the execution's, or a Distributed Map child execution's own.
    pub(crate) fn execution_started(&mut self, input: &Value) {
        let role_arn = self.exec.role_arn.clone();
        let started_on = self.exec.record.started_on.clone();
        self.event(HistoryEventType::ExecutionStarted, || {
            let mut d = json!({
                "input": input.to_string(),
                "inputDetails": {"truncated": false},
                "roleArn": &*role_arn,
            });
            if let Some(on) = started_on {
                d["stateMachineVersionArn"] = json!(on.version_arn);
                if let Some(alias) = on.alias_arn {
                    d["stateMachineAliasArn"] = json!(alias);
                }
            }
            Some(d)
        });
    }

    /// Stops whatever is in flight: the pending future and any children, keeping what
    /// the children achieved for a redrive.
    pub(crate) fn halt(&mut self, ctx: &mut Context<Self>) {
        if let Some(h) = self.pending.take() {
            ctx.cancel_future(h);
        }
        let children = self.abort_children();
        if let Some(pos) = self.pos.as_mut() {
            pos.failed_fanout = children;
        }
    }

    /// A random UUID (task tokens, Map Run and child execution ids), drawn from this
    /// actor's seeded source so runs are reproducible.
    pub(crate) fn uuid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.gen();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .encode_lower(&mut text)
            .to_string()
    }

    /// A seed for a child's random source, drawn from this actor's.
    pub(crate) fn child_seed(&mut self) -> u64 {
        self.rng.gen()
    }
}

/// AWS: the longest an EXPRESS execution runs.
const EXPRESS_SECONDS: u64 = 300;

impl Actor for ExecutionActor {
    type Context = Context<Self>;

    /// Starts the body, contained: what a restart or a redrive reads from the data
    /// directory may be damaged in ways no check foresaw (a state that does not exist).
    fn started(&mut self, ctx: &mut Context<Self>) {
        match self.wake.take() {
            Some(answer) => self.woken(ctx, *answer),
            None => self.contained(ctx, |act, ctx| act.start(ctx)),
        }
    }

    fn stopped(&mut self, ctx: &mut Context<Self>) {
        self.on_stopped(ctx);
    }
}

impl ExecutionActor {
    fn start(&mut self, ctx: &mut Context<Self>) {
        let input = self.start_input.take().unwrap_or(Value::Null);
        if let Some(run) = self.child_run.take() {
            self.become_child_execution(&run, &input);
        }
        if let Role::Root = self.role {
            if self.recovering || self.redrive_announced {
                self.last_event = self.exec.record.with_progress(|p| p.history.len() as u64);
            }
            if self.recovering && self.last_event == 0 {
                // The process died before it recorded even ExecutionStarted.
                self.execution_started(&input);
            } else if self.recovering {
                // Continuing where the process died: its events are all in the history.
            } else if self.resume.is_some() {
                if !self.redrive_announced {
                    let count = self.exec.info.redrive_count;
                    self.event(HistoryEventType::ExecutionRedriven, || {
                        Some(json!({ "redriveCount": count }))
                    });
                }
                self.exec
                    .record
                    .with_progress(|p| p.status = ExecutionStatus::RUNNING);
            } else {
                self.execution_started(&input);
            }
            // AWS: an EXPRESS execution runs for at most five minutes.
            let limit = match self.exec.record.machine_type {
                crate::types::StateMachineType::EXPRESS => Some(EXPRESS_SECONDS),
                crate::types::StateMachineType::STANDARD => None,
            };
            let timeout = match (self.exec.machine.timeout_seconds, limit) {
                (Some(t), Some(l)) => Some(t.min(l)),
                (t, l) => t.or(l),
            };
            if let Some(secs) = timeout {
                let at = crate::data::time::after(self.exec.record.start_date, secs);
                let deadline = self.exec.clock.deadline(at);
                ctx.spawn(deadline.into_actor(self).map(|(), act, ctx| {
                    if act.finished {
                        return;
                    }
                    act.halt(ctx);
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
        }
        if self.is_child_execution() {
            if self.resume.is_some() {
                let count = self.exec.info.redrive_count;
                self.event(HistoryEventType::ExecutionRedriven, || {
                    Some(json!({ "redriveCount": count }))
                });
            } else {
                self.execution_started(&input);
            }
        }
        match self.resume.take().map(|rp| *rp) {
            // AWS: a redrive enters the unsuccessful state again with its original input.
            Some(rp) => {
                self.vars.assign(rp.variables);
                if let Role::Child { cursor, .. } = &self.role {
                    if !self.vars.own().is_empty() {
                        cursor.assigned(self.vars.own());
                    }
                }
                let input = self.entered_input(rp.entered_event);
                if self.recovering && rp.entered_event > 0 {
                    // The process died inside this state: it is still the state entered
                    // at that event (no new Entered), so its fan-out's log stays keyed.
                    let now = self.exec.clock.now();
                    let mut pos = Position::new(rp.state, input, rp.entered_event, now);
                    (pos.task_calls, pos.lost_call) = self.lost_call(rp.entered_event);
                    self.pos = Some(pos);
                } else {
                    self.enter(rp.state, input);
                }
                let recovered = self.recovered_fanout.take().map(|r| *r);
                if let Some(pos) = self.pos.as_mut() {
                    pos.fanout_resume = rp.fanout;
                    pos.recovered = recovered;
                }
            }
            None => {
                let start = self.body.start_at;
                self.enter(start, input);
            }
        }
        self.drive(ctx);
    }

    /// How many task calls the state entered at `entered` made before the process died,
    /// and whether the last one was still in flight (scheduled, with no end recorded).
    fn lost_call(&self, entered: u64) -> (u32, Option<super::actor::LostCall>) {
        use HistoryEventType::*;
        self.exec.record.with_progress(|p| {
            let (mut calls, mut open, mut started) = (0, false, false);
            for e in p.history.iter().filter(|e| u64::from(e.id) > entered) {
                match e.event_type {
                    TaskScheduled | ActivityScheduled | LambdaFunctionScheduled => {
                        calls += 1;
                        (open, started) = (true, false);
                    }
                    ActivityStarted => started = true,
                    TaskSucceeded
                    | TaskFailed
                    | TaskTimedOut
                    | TaskStartFailed
                    | TaskSubmitFailed
                    | ActivitySucceeded
                    | ActivityFailed
                    | ActivityTimedOut
                    | ActivityScheduleFailed
                    | LambdaFunctionSucceeded
                    | LambdaFunctionFailed
                    | LambdaFunctionTimedOut
                    | LambdaFunctionScheduleFailed
                    | LambdaFunctionStartFailed => open = false,
                    _ => {}
                }
            }
            match open {
                true => (calls - 1, Some(super::actor::LostCall { started })),
                false => (calls, None),
            }
        })
    }

    fn on_stopped(&mut self, _: &mut Context<Self>) {
        // A root can only stop early if its arbiter shuts down; the record must not be left
        // RUNNING with waiters blocked forever.
        if !self.finished {
            if let Role::Root = self.role {
                self.runtime_gone();
            }
        }
    }

    /// The root's runtime went away under it.
    pub(crate) fn runtime_gone(&mut self) {
        if self.exec.record.journal().is_some() {
            // Durable: the store keeps it RUNNING, and the next service on the data
            // directory continues it. Only wake whoever waits here.
            self.exec.record.mark_done();
            return;
        }
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

impl Handler<StopExecution> for ExecutionActor {
    type Result = ();

    fn handle(&mut self, msg: StopExecution, ctx: &mut Context<Self>) {
        if self.finished {
            return;
        }
        self.halt(ctx);
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

impl Handler<Abort> for ExecutionActor {
    type Result = ();

    /// The parent gave up on this branch or iteration (and recorded that): stop, with
    /// this actor's own children.
    fn handle(&mut self, _: Abort, ctx: &mut Context<Self>) {
        if self.finished {
            return;
        }
        self.halt(ctx);
        if self.is_child_execution() {
            self.child_execution_aborted();
        }
        self.finished = true;
        ctx.stop();
    }
}
