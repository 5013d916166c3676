//! Where an execution's progress goes besides memory: the durable store implements
//! [`Journal`] (the runtime does not know the store; the API connects them).
//!
//! Calls happen under the record's lock, in the order things happened, so a journal that
//! appends sees a consistent sequence.

use crate::types::{ExecutionProgress, HistoryEventType};
use chrono::{DateTime, Utc};

/// A sink for one execution's progress.
pub trait Journal: Send + Sync {
    /// A history event was recorded (its details already as JSON text). Events of
    /// concurrent branches may arrive slightly out of id order; readers sort by id.
    fn event(
        &self,
        id: u64,
        previous: u64,
        timestamp: DateTime<Utc>,
        event_type: HistoryEventType,
        details: Option<&str>,
    );
    /// The execution's top-level body entered a state: where a restart continues if the
    /// process dies before the execution ends.
    fn root_entered(&self, state: u32, entered_event: u64);
    /// A Parallel or Map state (its Entered event `fanout_event`) started run `run` of its
    /// branches or iterations.
    fn fanout_started(&self, fanout_event: u64, run: u64);
    /// One branch or iteration of that run succeeded: recorded so that after a crash it is
    /// not run again.
    /// `whole` is its whole execution result, for a Distributed Map whose ResultWriter
    /// writes those: kept instead of the output, so a restart can still write it.
    fn child_done(
        &self,
        fanout_event: u64,
        run: u64,
        index: u32,
        output: &serde_json::Value,
        whole: Option<&str>,
    );
    /// The top-level body assigned variables: all it holds now, so a restart or a redrive
    /// reads them back.
    fn variables(&self, values: &serde_json::Map<String, serde_json::Value>);
    /// A mocked response was used (invocation `n` of `state`), so counts survive restarts.
    fn mock_call(&self, state: &str, n: u32);
    /// The execution ended: status, result, and where a redrive would continue.
    fn ended(&self, progress: &ExecutionProgress);
    /// A redrive was accepted.
    fn redriven(&self, count: u32, date: DateTime<Utc>, client_token: Option<&str>);
    /// The first thing that could not be recorded, if any: the record is then incomplete.
    fn failure(&self) -> Option<String> {
        None
    }
}
