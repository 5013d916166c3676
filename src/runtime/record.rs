//! The record of one execution: identity, status, result and history. Shared between the
//! execution's actor (which writes it) and the API (which reads it).

use crate::types::HistoryEvent;
use crate::types::HistoryEventType;
use crate::types::{ExecutionArn, Name, StateMachineArn};
use crate::types::{ExecutionProgress, ExecutionStatus, ExecutionSummary, StateMachineType};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// One execution.
#[derive(Debug)]
pub struct ExecutionRecord {
    /// The ARN by which the API names the execution.
    pub execution_arn: ExecutionArn,
    /// The ARN of the state machine it runs.
    pub state_machine_arn: StateMachineArn,
    /// The execution's name, the last part of its ARN.
    pub name: Name,
    /// Shared with the execution's context object (`$$.Execution.Input`).
    pub input: Arc<Value>,
    /// When it started.
    pub start_date: DateTime<Utc>,
    /// STANDARD or EXPRESS, which decides whether a history is kept.
    pub machine_type: StateMachineType,
    progress: Mutex<ExecutionProgress>,
    /// Whether it has ended (or its actor is gone); waiters are woken through `ended`.
    /// Neither allocates: most executions are never waited on.
    done: std::sync::atomic::AtomicBool,
    ended: tokio::sync::Notify,
    /// Mock invocations so far per state name; kept here so the count continues across
    /// redrives.
    /// Boxed on first use: few executions have mocks, and an empty map still takes 48
    /// bytes in every record.
    #[allow(clippy::box_collection)]
    pub(crate) mock_calls: Mutex<Option<Box<std::collections::HashMap<String, u32>>>>,
    stopper: Mutex<StopRoute>,
    /// The durable store's log of this execution, when there is a store.
    journal: std::sync::OnceLock<Arc<dyn super::journal::Journal>>,
    /// The version (and alias) it was started on, if it was not started on the state
    /// machine's latest revision.
    pub started_on: Option<Box<StartedOn>>,
}

/// Where StopExecution reaches the execution.
#[derive(Debug, Default)]
struct StopRoute {
    to: StopTarget,
    /// A StopExecution was sent to the actor `to` names: it must not lie down before it
    /// has handled it.
    sent: bool,
}

#[derive(Default)]
enum StopTarget {
    /// No actor runs it (not started yet, or ended).
    #[default]
    Nobody,
    Actor(actix::Recipient<super::messages::StopExecution>),
    /// It sleeps while its task waits on this token.
    Parked(super::callbacks::TokenKey, super::callbacks::Callbacks),
}

impl std::fmt::Debug for StopTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StopTarget::Nobody => "Nobody",
            StopTarget::Actor(_) => "Actor",
            StopTarget::Parked(..) => "Parked",
        })
    }
}

/// The version an execution was started on, and the alias that chose it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StartedOn {
    /// The version's ARN (`stateMachineVersionArn`).
    pub version_arn: String,
    /// The alias's ARN (`stateMachineAliasArn`), when it was started through one.
    pub alias_arn: Option<String>,
}

impl std::fmt::Debug for dyn super::journal::Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

impl ExecutionRecord {
    /// A RUNNING execution with no history yet.
    pub fn new(
        execution_arn: ExecutionArn,
        state_machine_arn: StateMachineArn,
        name: Name,
        input: Value,
        start_date: DateTime<Utc>,
        machine_type: StateMachineType,
    ) -> Self {
        ExecutionRecord {
            execution_arn,
            state_machine_arn,
            name,
            input: Arc::new(input),
            start_date,
            machine_type,
            progress: Mutex::new(ExecutionProgress {
                status: ExecutionStatus::RUNNING,
                output: None,
                error: None,
                cause: None,
                stop_date: None,
                history: Vec::new(),
                redrive_count: 0,
                redrive_date: None,
                resume: None,
                redrive_tokens: Vec::new(),
            }),
            done: std::sync::atomic::AtomicBool::new(false),
            ended: tokio::sync::Notify::new(),
            mock_calls: Mutex::new(None),
            stopper: Mutex::new(StopRoute::default()),
            journal: std::sync::OnceLock::new(),
            started_on: None,
        }
    }

    /// The facts `$$.Execution` and `$$.StateMachine` give about this execution.
    pub fn info(
        &self,
        role_arn: &Arc<str>,
        redrive_count: u32,
        state_machine_name: &Arc<str>,
    ) -> crate::data::ExecutionInfo {
        crate::data::ExecutionInfo {
            id: self.execution_arn.shared(),
            name: self.name.as_str().to_owned(),
            input: Arc::clone(&self.input),
            role_arn: Arc::clone(role_arn),
            start_time: self.start_date,
            redrive_count,
            // The ARN it was started on: an alias's, a version's, or the state machine's.
            state_machine_id: match self.started_on.as_deref() {
                Some(StartedOn {
                    alias_arn: Some(a), ..
                }) => a.as_str().into(),
                Some(on) => on.version_arn.as_str().into(),
                None => self.state_machine_arn.shared(),
            },
            state_machine_name: Arc::clone(state_machine_name),
        }
    }

    /// The record of an execution started on a version (or through an alias).
    pub fn on_version(mut self, started_on: Option<StartedOn>) -> Self {
        self.started_on = started_on.map(Box::new);
        self
    }

    /// Connects the durable store's log (once, before the execution runs).
    pub fn set_journal(&self, j: Arc<dyn super::journal::Journal>) {
        let _ = self.journal.set(j);
    }

    /// The durable store's log of this execution, if there is one.
    pub fn journal(&self) -> Option<&Arc<dyn super::journal::Journal>> {
        self.journal.get()
    }

    /// Records the execution's final event (and journals it) and sets its terminal status
    /// under the same lock: no event of a late child can come after it. `previous` 0 means
    /// the event before it. Returns its id.
    pub fn final_event(
        &self,
        event_type: HistoryEventType,
        previous: u64,
        timestamp: DateTime<Utc>,
        details: Option<String>,
        status: ExecutionStatus,
    ) -> u64 {
        let details: Option<Arc<str>> = details
            .filter(|_| event_type.details_key().is_some())
            .map(Into::into);
        self.with_progress(|p| {
            let id = p.history.len() as u64 + 1;
            let e = HistoryEvent {
                timestamp,
                event_type,
                id: crate::types::history::event_id(id),
                previous_event_id: crate::types::history::event_id(if previous == 0 {
                    id - 1
                } else {
                    previous
                }),
                details,
            };
            if let Some(j) = self.journal() {
                let text = e.details.as_deref();
                j.event(id, e.previous_event_id.into(), timestamp, event_type, text);
            }
            p.history.push(e);
            p.status = status;
            id
        })
    }

    /// Why the durable record of this execution is incomplete, if it is (a full disk, a
    /// removed directory): the execution ran, but a later process will not find all of it.
    pub fn journal_error(&self) -> Option<String> {
        self.journal.get().and_then(|j| j.failure())
    }

    /// Where StopExecution is delivered while the execution's actor runs.
    pub(crate) fn set_stopper(&self, r: actix::Recipient<super::messages::StopExecution>) {
        *self.route() = StopRoute {
            to: StopTarget::Actor(r),
            sent: false,
        };
    }

    /// Lays the execution down while its task waits on the token of `key`: `park` hands it to the
    /// waiting list, unless a StopExecution is on its way to its actor (false, as when
    /// `park` says the token was answered already).
    pub(crate) fn park(
        &self,
        key: super::callbacks::TokenKey,
        callbacks: &super::callbacks::Callbacks,
        park: impl FnOnce() -> bool,
    ) -> bool {
        // Under the route's lock, so that a stop either reaches the actor before it lies
        // down or finds it asleep.
        let mut route = self.route();
        if route.sent || !park() {
            return false;
        }
        route.to = StopTarget::Parked(key, callbacks.clone());
        true
    }

    /// Asks the running execution to stop (it ends ABORTED). False if it already ended.
    pub fn stop(&self, error: Option<String>, cause: Option<String>) -> bool {
        let stop = super::messages::StopExecution { error, cause };
        // An answer may be waking a sleeping execution: its new actor is named in a moment.
        for _ in 0..100_000 {
            if self.status().is_terminal() {
                return false;
            }
            let mut route = self.route();
            match &route.to {
                StopTarget::Actor(r) => {
                    r.do_send(stop);
                    route.sent = true;
                    return true;
                }
                StopTarget::Parked(token, callbacks) => {
                    if let Some(sleeper) = callbacks.take_parked(*token) {
                        route.to = StopTarget::Nobody;
                        drop(route);
                        sleeper.stop(stop);
                        return true;
                    }
                }
                StopTarget::Nobody => return false,
            }
            drop(route);
            std::thread::yield_now();
        }
        false
    }

    fn route(&self) -> std::sync::MutexGuard<'_, StopRoute> {
        self.stopper.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the current progress, history included (costly for long histories: use
    /// [`ExecutionRecord::summary`] where the history is not needed).
    pub fn snapshot(&self) -> ExecutionProgress {
        self.lock().clone()
    }

    /// The output as JSON text, serialised in place (no copy of a large output).
    pub fn output_text(&self) -> Option<String> {
        self.lock().output.as_ref().map(Value::to_string)
    }

    /// The progress without the history (whose length is given instead).
    pub fn summary(&self) -> ExecutionSummary {
        let p = self.lock();
        ExecutionSummary {
            status: p.status,
            error: p.error.clone(),
            cause: p.cause.clone(),
            stop_date: p.stop_date,
            history_len: p.history.len(),
            redrive_count: p.redrive_count,
            redrive_date: p.redrive_date,
        }
    }

    /// The execution's status now, read without copying the progress.
    pub fn status(&self) -> ExecutionStatus {
        self.lock().status
    }

    /// Runs `f` on the progress under the lock. No await happens under it, so a std mutex
    /// is right (and cheaper than tokio's).
    pub fn with_progress<R>(&self, f: impl FnOnce(&mut ExecutionProgress) -> R) -> R {
        f(&mut self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ExecutionProgress> {
        // A panic while holding the lock would poison it; the data is still consistent
        // because every update is a single assignment, so keep going.
        self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks the execution finished and wakes every waiter.
    pub fn mark_done(&self) {
        self.done.store(true, Ordering::Release);
        self.ended.notify_waiters();
    }

    /// Marks the execution running again (a redrive): waiters wait for the new end.
    pub(crate) fn mark_running(&self) {
        self.done.store(false, Ordering::Release);
    }

    /// Waits until the execution has finished.
    pub async fn wait(&self) {
        loop {
            let ended = self.ended.notified();
            tokio::pin!(ended);
            // Registered before the flag is read: a mark_done in between still wakes it.
            ended.as_mut().enable();
            if self.is_done() {
                return;
            }
            ended.await;
        }
    }

    /// Whether the execution has ended (or its actor is gone).
    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    /// Blocks the calling (non-async) thread until the execution has finished.
    pub fn wait_blocking(&self) {
        futures::executor::block_on(self.wait())
    }
}
