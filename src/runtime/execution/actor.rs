//! `ExecutionActor`: runs one body of states. The root actor runs the execution's top-level
//! body and owns its end; each Parallel branch and Map iteration is a child actor of the
//! same type that reports `ChildFinished { index, outcome }` to its parent and stops.
//!
//! This file holds what the actor is and where its body stands; the state loop is in
//! `drive.rs`, how states and bodies end in `outcome.rs`, task calls in `task_call.rs`,
//! start and stop in `lifecycle.rs`, and fan-outs in the `fanout` and `distributed`
//! modules.

use super::env::{Environment, Execution};
use super::spec::ExecutionSpec;
use crate::asl::model::{Body, StateId, StateKind};
use crate::data::Variables;
use crate::interpret::policy::RetryCounters;
use crate::runtime::child_queue::Startable;
use crate::runtime::distributed::map_run::MapRunRecord;
use crate::runtime::distributed::run::MapRunState;
use crate::runtime::fanout::completions::Completions;
use crate::runtime::fanout::window::FanOut;
use crate::runtime::history::{io_details, state_entered};
use crate::runtime::messages::ChildFinished;
use crate::runtime::resume::ChildCursor;
use crate::runtime::spawner::Spawner;
use crate::types::HistoryEventType;
use crate::types::{ChildResume, RecoveredFanOut, ResumePoint};
use actix::dev::channel::AddressReceiver;
use actix::prelude::*;
use chrono::{DateTime, Utc};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::Value;
use std::sync::Arc;

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
    /// The Map Run of a Distributed Map state while it runs.
    pub(crate) map_run: Option<Box<MapRunState>>,
    /// On a redrive: what the branches or iterations of this state achieved before.
    pub(crate) fanout_resume: Option<Vec<ChildResume>>,
    /// After a restart: the children of this state's fan-out that already succeeded.
    pub(crate) recovered: Option<RecoveredFanOut>,
    /// The children's outcomes when this fan-out state failed, for a later redrive.
    pub(crate) failed_fanout: Option<Vec<ChildResume>>,
    /// When the state was entered, if an observer times states.
    pub(crate) since: Option<std::time::Instant>,
    /// An activity task of this state that a worker may have taken and whose
    /// `ActivityStarted` is not recorded yet.
    pub(crate) activity: Option<Arc<crate::runtime::activities::ActivityTask>>,
    /// Task calls made in this state so far; they number its task tokens.
    pub(crate) task_calls: u32,
    /// After a restart inside a Task state: the call the process lost is still scheduled
    /// (its events are in the history, its token with the worker), and whether a worker
    /// had taken its activity task.
    pub(crate) lost_call: Option<LostCall>,
}

/// A Task state's call that was in flight when the process running it died.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LostCall {
    /// A worker took its activity task (`ActivityStarted` is recorded).
    pub(crate) started: bool,
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
            map_run: None,
            fanout_resume: None,
            recovered: None,
            failed_fanout: None,
            since: None,
            activity: None,
            task_calls: 0,
            lost_call: None,
        }
    }
}

/// The actor that runs one body of states: the whole execution (the root), or one branch
/// or iteration of a fan-out.
pub struct ExecutionActor {
    pub(crate) exec: Arc<Execution>,
    pub(crate) body: Arc<Body>,
    pub(crate) role: Role,
    pub(crate) start_input: Option<Value>,
    /// Where to start instead of StartAt (a redrive).
    /// Boxed: most actors start fresh, and a waiting execution should not carry the room.
    pub(crate) resume: Option<Box<ResumePoint>>,
    /// The resume continues a run the process lost, rather than redriving an ended one.
    pub(crate) recovering: bool,
    /// See [`ExecutionSpec::redrive_announced`].
    pub(crate) redrive_announced: bool,
    pub(crate) recovered_fanout: Option<Box<RecoveredFanOut>>,
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
    /// A child's variables changed since it last published them on its cursor.
    pub(crate) vars_unpublished: bool,
    /// For a Map iteration or Distributed Map child, when it was dispatched, if an
    /// observer times items.
    pub(crate) item_since: Option<std::time::Instant>,
    /// For an execution raised after it slept on a task token: the token's answer, which
    /// its first turn takes instead of a start.
    pub(crate) wake: Option<Box<crate::runtime::handlers::TaskResult>>,
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
        let alike = spec.clock.forks_alike();
        let make = || Environment {
            machine: spec.machine,
            role_arn: spec.role_arn,
            mocks: spec.mocks,
            clock: spec.clock,
            config: spec.config,
            spawner,
            map_runs: spec.map_runs,
            objects: spec.objects,
        };
        let env = match alike {
            true => spec.shared.get_or(make),
            false => Arc::new(make()),
        };
        let exec = Execution::new(spec.record, info, spec.keep_history, env);
        let resume = spec.resume;
        let recovering = spec.recovering;
        let mut actor = Self::for_body(
            Arc::new(exec),
            body,
            Role::Root,
            input,
            resume,
            spec.seed,
            0,
        );
        actor.recovering = recovering;
        actor.redrive_announced = spec.redrive_announced;
        actor.recovered_fanout = spec.recovered_fanout.map(Box::new);
        actor
    }

    pub(crate) fn for_body(
        exec: Arc<Execution>,
        body: Arc<Body>,
        role: Role,
        input: Value,
        resume: Option<ResumePoint>,
        seed: u64,
        last_event: u64,
    ) -> Self {
        ExecutionActor {
            exec,
            body,
            role,
            start_input: Some(input),
            resume: resume.map(Box::new),
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
            vars_unpublished: false,
            item_since: None,
            wake: None,
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
    /// directly, without an intermediate JSON value, or share one text).
    pub(crate) fn event_text<D: Into<Arc<str>>>(
        &mut self,
        event_type: HistoryEventType,
        details: impl FnOnce() -> Option<D>,
    ) -> u64 {
        if self.aborted() {
            return self.last_event;
        }
        let id = self.exec.event(event_type, self.last_event, details);
        self.last_event = id;
        id
    }

    pub(crate) fn enter(&mut self, id: StateId, input: Value) {
        let body = Arc::clone(&self.body);
        let state = body.state(id);
        let entered_id = self.event_text(state_entered(&state.kind), || {
            Some(io_details(&state.name, "input", &input))
        });
        let with_variables = std::mem::take(&mut self.vars_unpublished);
        match &self.role {
            Role::Child { cursor, .. } if with_variables => {
                cursor.entered_with(id, entered_id, self.vars.own())
            }
            Role::Child { cursor, .. } => cursor.entered(id, entered_id),
            Role::Root => {
                if let Some(j) = self.exec.record.journal() {
                    j.root_entered(id.0, entered_id);
                }
            }
        }
        let mut pos = Position::new(id, input, entered_id, self.exec.clock.now());
        if let Some(o) = &self.exec.observer {
            o.state_entered();
            // A Map's or a Parallel's time is its children's, which are timed on their
            // own: counted as one transition it would swamp the others.
            let fan_out = matches!(state.kind, StateKind::Map(_) | StateKind::Parallel(_));
            if o.times_states() && !fan_out {
                pos.since = Some(std::time::Instant::now());
            }
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
            return (*self.exec.record.input).clone();
        }
        let details = self.exec.record.with_progress(|p| {
            p.history
                .get(event.saturating_sub(1) as usize)
                .and_then(|e| e.details.clone())
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
}

/// A child actor made but not started, with the receiving end of its address: the spawner
/// starts it on whichever arbiter takes it.
pub(crate) struct PendingChild {
    pub(crate) rx: AddressReceiver<ExecutionActor>,
    pub(crate) actor: ExecutionActor,
}

impl Startable for PendingChild {
    fn start(self: Box<Self>) {
        let PendingChild { rx, actor } = *self;
        Context::with_receiver(rx).run(actor);
    }
}
