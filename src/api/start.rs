//! Starting an execution's root actor, for a new execution, a redrive and a restart alike.

use super::launch::{Launch, Start};
use super::service::StepFunctions;
use crate::runtime::{ExecutionRecord, ExecutionSpec};
use crate::types::StateMachineType;
use std::sync::atomic::Ordering;
use std::sync::Arc;

impl StepFunctions {
    /// Starts the root actor of `record` with what it was launched with.
    pub(crate) fn spawn_execution(
        &self,
        record: &Arc<ExecutionRecord>,
        launch: Arc<Launch>,
        start: Start,
    ) {
        self.service.runtime.spawn(ExecutionSpec {
            record: Arc::clone(record),
            machine: Arc::clone(&launch.machine),
            state_machine_name: Arc::clone(&launch.state_machine_name),
            role_arn: Arc::clone(&launch.role_arn),
            mocks: launch.mocks.clone(),
            config: Arc::clone(&self.service.config),
            clock: self.service.clock.fork(),
            seed: self.service.seed.fetch_add(1, Ordering::Relaxed),
            keep_history: record.machine_type == StateMachineType::STANDARD,
            resume: start.resume,
            redrive_count: start.redrive_count,
            recovering: start.recovering.is_some(),
            redrive_announced: start.redrive_announced,
            recovered_fanout: start.recovering.flatten(),
            map_runs: Arc::clone(&self.service.map_runs),
            objects: launch
                .objects
                .clone()
                .unwrap_or_else(|| Arc::clone(&self.service.objects)),
            shared: launch.environment.clone(),
        });
    }
}
