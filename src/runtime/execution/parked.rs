//! An execution laid down while its task waits on a token: no actor, no mailbox, no
//! future, only where its body stands. The answer raises a new actor that goes on from the
//! task's end; StopExecution ends it without one.
//!
//! Only a top-level execution lies down, and only when nothing but the token can move it:
//! no TimeoutSeconds or HeartbeatSeconds on the task, no time limit on the execution (those
//! race the answer on the actor's timers).

use super::actor::{ExecutionActor, Flow, Position, Role};
use super::env::Execution;
use crate::asl::model::{Body, StateId};
use crate::data::{StatesError, Variables};
use crate::interpret::policy::RetryCounters;
use crate::runtime::callbacks::{Sleeper, Wait};
use crate::runtime::handlers::TaskResult;
use crate::runtime::messages::StopExecution;
use crate::types::{ExecutionStatus, StateMachineType};
use actix::dev::channel;
use actix::prelude::*;
use chrono::{DateTime, Utc};
use rand::rngs::SmallRng;
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

/// What a sleeping execution keeps: its body's place and data, nothing in flight.
pub(crate) struct Parked {
    exec: Arc<Execution>,
    body: Arc<Body>,
    rng: SmallRng,
    /// Boxed, and only when some are assigned: most sleepers have none.
    vars: Option<Box<Variables>>,
    last_event: u64,
    fanout_runs: u64,
    recovering: bool,
    state: StateId,
    input: Value,
    entered_id: u64,
    entered_time: DateTime<Utc>,
    counters: RetryCounters,
    task_calls: u32,
    /// Only for an observer.
    timing: Option<Box<Timing>>,
}

/// When the state was entered, and when its task was called.
struct Timing {
    since: Option<Instant>,
    called: Option<Instant>,
}

impl ExecutionActor {
    /// Whether this body may lie down while a task waits on its token.
    pub(crate) fn can_park(&self) -> bool {
        matches!(self.role, Role::Root)
            && self.exec.record.machine_type == StateMachineType::STANDARD
            && self.exec.machine.timeout_seconds.is_none()
    }

    /// A callback task's integration answered: unless it failed or the token was answered
    /// already, the execution lies down until the token is.
    pub(crate) fn called_back(
        &mut self,
        ctx: &mut Context<Self>,
        called: TaskResult,
        wait: Wait,
        at: Option<Instant>,
    ) -> Flow {
        if let Err(f) = called {
            drop(wait);
            self.task_answered(at);
            return self.task_done(ctx, Err(f));
        }
        let exec = Arc::clone(&self.exec);
        let key = wait.key;
        let parked = exec.record.park(key, &exec.callbacks, || {
            exec.callbacks
                .park(key, || Box::new(self.lie_down(at)) as Box<dyn Sleeper>)
        });
        if !parked {
            let answer = wait.answer();
            return self.suspend(ctx, answer, move |act, ctx, r| {
                act.task_answered(at);
                act.task_done(ctx, r)
            });
        }
        wait.parked();
        // Its place went with the sleeper: this actor only has to go.
        self.finished = true;
        ctx.stop();
        Flow::Suspended
    }

    /// Tells the observer how long the task took, from `at`, when it was called.
    pub(crate) fn task_answered(&self, at: Option<Instant>) {
        if let (Some(o), Some(at)) = (&self.exec.observer, at) {
            o.task_answered(at.elapsed());
        }
    }

    /// What the body keeps while it sleeps. Not the queue its children report to: that
    /// wakes the actor that made it, which is gone; the risen actor makes its own.
    fn lie_down(&mut self, called: Option<Instant>) -> Parked {
        let pos = self.pos.take().expect("a task in progress");
        Parked {
            exec: Arc::clone(&self.exec),
            body: Arc::clone(&self.body),
            rng: self.rng.clone(),
            vars: Some(std::mem::take(&mut self.vars))
                .filter(|v| *v != Variables::default())
                .map(Box::new),
            last_event: self.last_event,
            fanout_runs: self.fanout_runs,
            recovering: self.recovering,
            state: pos.state,
            input: pos.input,
            entered_id: pos.entered_id,
            entered_time: pos.entered_time,
            counters: pos.counters,
            task_calls: pos.task_calls,
            timing: (pos.since.is_some() || called.is_some()).then(|| {
                Box::new(Timing {
                    since: pos.since,
                    called,
                })
            }),
        }
    }

    /// The actor of a sleeping execution, back in its task state (not started).
    fn risen(p: Parked) -> (ExecutionActor, Option<Instant>) {
        let mut actor = ExecutionActor::for_body(
            p.exec,
            p.body,
            Role::Root,
            Value::Null,
            None,
            0,
            p.last_event,
        );
        actor.start_input = None;
        actor.rng = p.rng;
        actor.vars = p.vars.map(|v| *v).unwrap_or_default();
        actor.fanout_runs = p.fanout_runs;
        actor.recovering = p.recovering;
        let mut pos = Position::new(p.state, p.input, p.entered_id, p.entered_time);
        pos.counters = p.counters;
        pos.task_calls = p.task_calls;
        let (since, called) = p.timing.map_or((None, None), |t| (t.since, t.called));
        pos.since = since;
        actor.pos = Some(pos);
        (actor, called)
    }

    /// A risen actor's first turn: the task's answer, then the states after it.
    pub(crate) fn woken(&mut self, ctx: &mut Context<Self>, answer: TaskResult) {
        self.contained(ctx, |act, ctx| {
            if let Flow::Continue = act.task_done(ctx, answer) {
                act.drive(ctx);
            }
        });
    }
}

/// A risen actor on its way to its arbiter. If the arbiter is gone (the runtime stopped)
/// it never runs, and ends as an execution whose runtime went away.
struct Rising(Option<(ExecutionActor, channel::AddressReceiver<ExecutionActor>)>);

impl Drop for Rising {
    fn drop(&mut self) {
        if let Some((mut actor, _)) = self.0.take() {
            actor.runtime_gone();
        }
    }
}

impl Sleeper for Parked {
    fn wake(self: Box<Self>, answer: TaskResult) {
        let (mut actor, called) = ExecutionActor::risen(*self);
        actor.task_answered(called);
        actor.wake = Some(Box::new(answer));
        let exec = Arc::clone(&actor.exec);
        let (tx, rx) = channel::channel(16);
        let addr: Addr<ExecutionActor> = Addr::new(tx);
        // Named before it runs, so that a StopExecution racing the answer reaches it.
        exec.record.set_stopper(addr.recipient());
        let mut rising = Rising(Some((actor, rx)));
        exec.spawner.next().spawn_fn(move || {
            if let Some((actor, rx)) = rising.0.take() {
                Context::with_receiver(rx).run(actor);
            }
        });
    }

    fn stop(self: Box<Self>, stop: StopExecution) {
        let (mut actor, _) = ExecutionActor::risen(*self);
        actor.finish(
            ExecutionStatus::ABORTED,
            None,
            Some(StatesError {
                error: stop.error.unwrap_or_default(),
                cause: stop.cause,
            }),
        );
    }

    fn shut_down(self: Box<Self>) {
        let (mut actor, _) = ExecutionActor::risen(*self);
        actor.runtime_gone();
    }
}
