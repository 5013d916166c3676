//! What a service is configured with, written once by the builder and shared behind one
//! `Arc` by the API and every execution.

use super::clock::{Clock, RealClock};
use super::handlers::HandlerRegistry;
use super::observer::Observer;
use std::sync::Arc;

/// AWS: input, output and state data are at most 256 KiB.
pub const DEFAULT_PAYLOAD_LIMIT: usize = 262_144;
/// AWS: at most 25,000 history events; a redrive needs room for ExecutionRedriven and
/// more, so it needs fewer than 24,999 events.
pub const DEFAULT_HISTORY_LIMIT: usize = 25_000;
/// AWS splits result files at 5 GB.
pub const DEFAULT_RESULT_FILE_LIMIT: u64 = 5 << 30;

/// The settings every execution reads.
pub struct Config {
    /// The region of the ARNs the service makes.
    pub region: String,
    /// The account of the ARNs the service makes.
    pub account: String,
    /// Largest input/output of a state, in bytes of JSON.
    pub payload_limit: usize,
    /// The most history events an execution may have; it fails on reaching them, so a
    /// loop that never ends cannot grow its history without bound.
    pub history_limit: usize,
    /// The size at which a ResultWriter starts its next results file.
    pub result_file_limit: u64,
    /// Arbiter threads (0: one per core).
    pub workers: usize,
    /// The clock executions are forked from.
    pub clock: Arc<dyn Clock>,
    /// Task handlers by resource ARN.
    pub handlers: HandlerRegistry,
    /// Told of every state, task and Map item, if set.
    pub observer: Option<Arc<dyn Observer>>,
    /// The tasks waiting on task tokens.
    pub callbacks: super::callbacks::Callbacks,
    /// The activities, with the tasks queued on them for workers.
    pub activities: super::activities::Activities,
    /// How long GetActivityTask waits for a task before answering with none.
    pub activity_poll: std::time::Duration,
    /// Event details every execution of a definition writes alike.
    pub shared_details: super::history::SharedDetails,
}

impl Config {
    /// Whether an observer times states, tasks and items.
    pub fn times_states(&self) -> bool {
        self.observer.as_ref().is_some_and(|o| o.times_states())
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: "us-east-1".into(),
            account: "123456789012".into(),
            payload_limit: DEFAULT_PAYLOAD_LIMIT,
            history_limit: DEFAULT_HISTORY_LIMIT,
            result_file_limit: DEFAULT_RESULT_FILE_LIMIT,
            workers: 0,
            clock: Arc::new(RealClock),
            handlers: HandlerRegistry::new(),
            observer: None,
            callbacks: super::callbacks::Callbacks::default(),
            activities: super::activities::Activities::default(),
            activity_poll: super::activities::ACTIVITY_POLL,
            shared_details: Default::default(),
        }
    }
}
