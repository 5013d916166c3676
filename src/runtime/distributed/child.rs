//! A Distributed Map's child execution: an execution of its own (its own ARN and record,
//! for STANDARD its own history), made on its own core when it starts, and ended there.

use crate::data::StatesError;
use crate::runtime::distributed::map_run::MapRunRecord;
use crate::runtime::execution::{Execution, ExecutionActor, Role};
use crate::runtime::record::ExecutionRecord;
use crate::types::{ExecutionStatus, Name, StateMachineType};
use serde_json::Value;
use std::sync::Arc;

/// A child execution about to run.
pub(crate) struct ChildExecution {
    pub(crate) exec: Arc<Execution>,
    /// The last event of its history (a redriven child continues it).
    pub(crate) last_event: u64,
    /// A STANDARD child redriven: it continues where it stopped. Otherwise it starts anew.
    pub(crate) redriven: bool,
}

impl ExecutionActor {
    /// A child execution starting: its own record and `Execution` in place of the
    /// parent's it was made with. A child that is not a redriven STANDARD one starts anew.
    pub(crate) fn become_child_execution(&mut self, run: &MapRunRecord, input: &Value) {
        let Role::Child { index, .. } = self.role else {
            return;
        };
        let child = self.child_execution(run, index, input);
        if !child.redriven {
            self.resume = None;
        }
        self.exec = child.exec;
        self.last_event = child.last_event;
    }

    /// The `Execution` of a new child execution of `run`, for the item `input`, made from
    /// the parent's (`self.exec`, until the child replaces it).
    fn child_execution(&mut self, run: &MapRunRecord, index: u32, input: &Value) -> ChildExecution {
        let now = self.exec.clock.now();
        let standard = run.execution_type == StateMachineType::STANDARD;
        // AWS: a redrive redrives an unsuccessful STANDARD child (same ARN, its history
        // continues); EXPRESS children start anew.
        let before = standard.then(|| run.child_at(index)).flatten().filter(|r| {
            matches!(
                r.status(),
                ExecutionStatus::FAILED | ExecutionStatus::ABORTED
            )
        });
        let (record, redrive_count) = match before {
            Some(record) => {
                let count = record.with_progress(|p| {
                    p.status = ExecutionStatus::RUNNING;
                    p.begin_redrive(now)
                });
                record.mark_running();
                (record, count)
            }
            None => {
                let name = self.uuid();
                let arn = run.child_arn(&name);
                let record = Arc::new(ExecutionRecord::new(
                    arn,
                    run.state_machine_arn.clone(),
                    Name::trusted(name),
                    input.clone(),
                    now,
                    run.execution_type,
                ));
                if standard {
                    self.exec
                        .map_runs
                        .add_child(run, index, Arc::clone(&record));
                }
                (record, 0)
            }
        };
        let parent = &self.exec;
        let info = record.info(
            &parent.role_arn,
            redrive_count,
            &Arc::from(run.state_machine_arn.name()),
        );
        let last_event = record.with_progress(|p| p.history.len() as u64);
        let exec = parent.child(record, info, standard, run.needs_whole_results());
        ChildExecution {
            exec: Arc::new(exec),
            last_event,
            redriven: redrive_count > 0,
        }
    }

    /// A child execution's body ended: its own final event and record. Returns its
    /// execution result as JSON text when the parent needs it (a failure, or a ResultWriter
    /// that writes whole results).
    pub(crate) fn child_execution_ended(
        &mut self,
        result: &Result<Value, StatesError>,
    ) -> Option<String> {
        // A body that fails, timeouts of its states included, fails the execution.
        let (status, error) = match result {
            Ok(_) => (ExecutionStatus::SUCCEEDED, None),
            Err(e) => (ExecutionStatus::FAILED, Some(e)),
        };
        // Only a STANDARD child can be described later: an EXPRESS child's output goes
        // straight into its result.
        let output = result.as_ref().ok();
        let kept = output.filter(|_| self.exec.keep_history);
        self.record_end(status, kept.cloned(), error.cloned(), None);
        let given = output.filter(|_| !self.exec.keep_history);
        (error.is_some() || self.exec.detailed_result)
            .then(|| super::results::execution_result::execution_result(&self.exec.record, given))
    }

    /// The parent aborted this child execution.
    pub(crate) fn child_execution_aborted(&mut self) {
        self.record_end(ExecutionStatus::ABORTED, None, None, None);
    }

    /// Whether this actor is a child execution of a Distributed Map.
    pub(crate) fn is_child_execution(&self) -> bool {
        matches!(
            self.role,
            Role::Child {
                execution: true,
                ..
            }
        )
    }
}
