//! What every actor of one execution shares: the record, the context facts, and the
//! environment it runs in (definition, settings, handlers and mocks, where to spawn
//! children), which a Distributed Map's child executions share too.

use crate::asl::StateMachine;
use crate::data::ExecutionInfo;
use crate::objects::ObjectStore;
use crate::runtime::clock::Clock;
use crate::runtime::config::Config;
use crate::runtime::distributed::map_run::MapRuns;
use crate::runtime::mock::MockCase;
use crate::runtime::record::ExecutionRecord;
use crate::runtime::spawner::Spawner;
use crate::types::HistoryEvent;
use crate::types::HistoryEventType;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What an execution runs in, shared with the child executions of its Distributed Maps.
/// Kept behind one `Arc`: a child made and dropped on each core would otherwise contend on
/// a dozen reference counts.
pub struct Environment {
    pub machine: Arc<StateMachine>,
    pub role_arn: std::sync::Arc<str>,
    pub mocks: Option<MockCase>,
    /// This execution's clock.
    pub clock: Arc<dyn Clock>,
    /// The service's settings, read through this (`exec.payload_limit`).
    pub config: Arc<Config>,
    pub spawner: Spawner,
    pub map_runs: Arc<MapRuns>,
    pub objects: Arc<dyn ObjectStore>,
}

impl std::ops::Deref for Environment {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.config
    }
}

/// One execution as each of its actors sees it (the fields of [`Environment`] read
/// through it).
pub struct Execution {
    pub record: Arc<ExecutionRecord>,
    pub info: ExecutionInfo,
    pub keep_history: bool,
    env: Arc<Environment>,
    /// For a Distributed Map's child execution: the parent execution, whose journal records
    /// the child's completion (the child itself is not journaled).
    pub parent: Option<Arc<ExecutionRecord>>,
    /// A child execution whose whole execution result its parent needs (a ResultWriter
    /// writes it), not only its output.
    pub detailed_result: bool,
    /// Event ids when no history is kept (EXPRESS): messages still cite them.
    next_event: AtomicU64,
}

impl std::ops::Deref for Execution {
    type Target = Environment;

    fn deref(&self) -> &Environment {
        &self.env
    }
}

impl Execution {
    /// The shared state of a root execution.
    pub fn new(
        record: Arc<ExecutionRecord>,
        info: ExecutionInfo,
        keep_history: bool,
        env: Arc<Environment>,
    ) -> Self {
        Execution {
            record,
            info,
            keep_history,
            env,
            parent: None,
            detailed_result: false,
            next_event: AtomicU64::new(0),
        }
    }

    /// The shared state of a child execution of this execution's Distributed Map.
    pub fn child(
        &self,
        record: Arc<ExecutionRecord>,
        info: ExecutionInfo,
        keep_history: bool,
        detailed_result: bool,
    ) -> Self {
        Execution {
            record,
            info,
            keep_history,
            env: Arc::clone(&self.env),
            parent: Some(Arc::clone(&self.record)),
            detailed_result,
            next_event: AtomicU64::new(0),
        }
    }

    /// Records an event and returns its id. `details` is only evaluated when history is
    /// kept, since it serialises the state's data. Ids are allocated under the history lock
    /// so the history stays in id order when children on other threads record at once.
    pub fn event<D: Into<std::sync::Arc<str>>>(
        &self,
        event_type: HistoryEventType,
        previous: u64,
        details: impl FnOnce() -> Option<D>,
    ) -> u64 {
        if !self.keep_history {
            return self.next_event.fetch_add(1, Ordering::Relaxed) + 1;
        }
        let details: Option<std::sync::Arc<str>> = event_type
            .details_key()
            .and_then(|_| details())
            .map(Into::into);
        let timestamp = self.clock.now();
        let journal = self.record.journal();
        let text = journal.and(details.clone());
        let recorded = self.record.with_progress(|p| {
            let id = p.history.len() as u64 + 1;
            // A branch or iteration aborted as the execution ended may still report; the
            // history ends with the execution's final event.
            if p.status.is_terminal() {
                return (id, None);
            }
            let previous_event_id = if previous == 0 && id > 1 {
                id - 1
            } else {
                previous
            };
            p.history.push(HistoryEvent {
                timestamp,
                event_type,
                id: crate::types::history::event_id(id),
                previous_event_id: crate::types::history::event_id(previous_event_id),
                details,
            });
            (id, Some(previous_event_id))
        });
        if let (Some(j), (id, Some(prev))) = (journal, recorded) {
            j.event(id, prev, timestamp, event_type, text.as_deref());
        }
        recorded.0
    }

    /// Records the execution's final event and sets its terminal status under the same
    /// lock: no event of a late child can come after it.
    pub fn final_event(
        &self,
        event_type: HistoryEventType,
        previous: u64,
        details: impl FnOnce() -> Option<String>,
        status: crate::types::ExecutionStatus,
    ) -> u64 {
        if !self.keep_history {
            self.record.with_progress(|p| p.status = status);
            return self.next_event.fetch_add(1, Ordering::Relaxed) + 1;
        }
        self.record
            .final_event(event_type, previous, self.clock.now(), details(), status)
    }

    /// The next mock invocation number of a state: mock responses count every call of a
    /// state in the execution, at any depth, retries and redrives included.
    pub fn next_mock_call(&self, state: &str) -> u32 {
        let mut calls = self
            .record
            .mock_calls
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let n = calls
            .get_or_insert_with(Default::default)
            .entry(state.to_string())
            .or_insert(0);
        let this = *n;
        *n += 1;
        if let Some(j) = self.record.journal() {
            j.mock_call(state, this);
        }
        this
    }
}
