//! What an execution is started with.

use super::env::Environment;
use crate::asl::model::StateMachine;
use crate::objects::ObjectStore;
use crate::runtime::clock::Clock;
use crate::runtime::config::Config;
use crate::runtime::distributed::map_run::MapRuns;
use crate::runtime::mock::MockCase;
use crate::runtime::record::ExecutionRecord;
use crate::types::{RecoveredFanOut, ResumePoint};
use std::sync::{Arc, OnceLock};

/// Everything an execution needs to run.
pub struct ExecutionSpec {
    /// Where the execution's progress is written.
    pub record: Arc<ExecutionRecord>,
    /// The definition it runs.
    pub machine: Arc<StateMachine>,
    /// The state machine's name (`$$.StateMachine.Name`).
    pub state_machine_name: Arc<str>,
    /// The role it runs as (`$$.Execution.RoleArn`).
    pub role_arn: Arc<str>,
    /// Mocked task responses, when the execution was started with a test case.
    pub mocks: Option<MockCase>,
    /// The service's settings.
    pub config: Arc<Config>,
    /// This execution's clock (a fork of the service's).
    pub clock: Arc<dyn Clock>,
    /// Seeds its random source (UUIDs, MathRandom, retry jitter), so a run can be repeated.
    pub seed: u64,
    /// Whether its events are kept as a history (STANDARD only).
    pub keep_history: bool,
    /// Set for a redrive (or a restart): where the execution continues.
    pub resume: Option<ResumePoint>,
    /// How many times it has been redriven (`$$.Execution.RedriveCount`).
    pub redrive_count: u32,
    /// Continuing after a restart of the process, not a redrive: no ExecutionRedriven.
    pub recovering: bool,
    /// A redrive whose ExecutionRedriven event is already in the history (the process
    /// that accepted it died before entering the state again): not announced twice.
    pub redrive_announced: bool,
    /// With `recovering`: the children the resumed state's fan-out already completed.
    pub recovered_fanout: Option<RecoveredFanOut>,
    /// Where Distributed Map states register their Map Runs and child executions.
    pub map_runs: Arc<MapRuns>,
    /// The object store behind `s3://` (ItemReader, ResultWriter).
    pub objects: Arc<dyn ObjectStore>,
    /// Shared by the executions started alike (same definition, role, mocks, objects and
    /// service): on a clock whose forks are alike, they share one environment.
    pub shared: SharedEnvironment,
}

/// Where executions started alike find the environment the first of them made.
#[derive(Clone, Default)]
pub struct SharedEnvironment(Arc<OnceLock<Arc<Environment>>>);

impl SharedEnvironment {
    /// The shared environment, made by `make` if none is yet.
    pub(crate) fn get_or(&self, make: impl FnOnce() -> Environment) -> Arc<Environment> {
        Arc::clone(self.0.get_or_init(|| Arc::new(make())))
    }
}
