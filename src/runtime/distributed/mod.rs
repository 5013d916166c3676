//! Distributed Map: the state starts a Map Run, and every item runs as a child execution
//! of its own (its own ARN, record, and for STANDARD its own history), an actor like any
//! other. The parent's history shows the run, not the iterations: MapStateStarted,
//! MapRunStarted, then MapRunSucceeded or MapRunFailed.
//!
//! AWS: failed (or timed-out) children are tolerated up to ToleratedFailureCount /
//! ToleratedFailurePercentage; past either, the run fails with
//! `States.ExceedToleratedFailureThreshold` and its running children are aborted. A
//! tolerated failure's place in the output holds the child's execution result.
//!
//! The run's record and registry are in `map_run.rs`, its state while the Map state runs
//! in `run.rs`, reading the items in `items/`, writing results in `results/`; the actor's
//! side: starting the run in `start.rs`, each child execution in `child.rs`, and how the
//! run ends in `end.rs`.

mod child;
mod end;
pub(crate) mod items;
pub mod map_run;
pub(crate) mod results;
pub(crate) mod run;
mod start;

use crate::types::MapRunConfig;

/// AWS: without MaxConcurrency, a Map Run runs up to 10,000 child executions at once.
pub const DISTRIBUTED_DEFAULT_CONCURRENCY: usize = 10_000;

/// The cause AWS gives when a Map Run fails on its failure threshold.
pub const THRESHOLD_CAUSE: &str = "The specified tolerance threshold was exceeded";

/// How many children may run at once under a Map Run's configuration.
pub fn window(config: &MapRunConfig) -> usize {
    match config.max_concurrency {
        0 => DISTRIBUTED_DEFAULT_CONCURRENCY,
        m => m as usize,
    }
}
