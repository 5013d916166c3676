//! DescribeStateMachineForExecution: the definition an execution ran, which stays what it
//! was when the state machine is updated later.

use super::error::ApiError;
use super::service::StepFunctions;
use super::types::*;

impl StepFunctions {
    /// DescribeStateMachineForExecution: the state machine (or version) an execution runs,
    /// with the definition and role it started with.
    pub fn describe_state_machine_for_execution(
        &self,
        req: ExecutionArnInput,
    ) -> Result<DescribeStateMachineForExecutionOutput, ApiError> {
        let r = self.execution(&req.execution_arn)?;
        let machine = r.state_machine_arn.clone();
        // A Distributed Map's child runs `{machine}/{label}`: the parent's item processor.
        let (parent, label) = match machine.name().split_once('/') {
            Some((_, label)) => {
                let parent = machine.as_str().rsplit_once('/').map_or("", |p| p.0);
                (parent.to_string(), Some(label.to_string()))
            }
            None => (machine.to_string(), None),
        };
        let current = self.service.state_machines.get(&parent).map(|e| e.clone());
        let launch = self
            .service
            .launches
            .get(r.execution_arn.as_str())
            .map(|l| (l.definition.clone(), l.role_arn.clone(), l.revision.clone()));
        let (definition, role_arn, ran_revision) = match (launch, &current) {
            (Some(l), _) => l,
            (None, Some(e)) => (e.definition.clone(), e.role_arn.as_str().into(), None),
            (None, None) => {
                return Err(ApiError::ExecutionDoesNotExist(format!(
                    "Execution Does Not Exist: '{}' (its state machine is gone)",
                    req.execution_arn
                )))
            }
        };
        let on_version = r.started_on.as_ref().map(|o| o.version_arn.clone());
        let version = on_version
            .as_ref()
            .and_then(|v| v.parse().ok())
            .and_then(|v| self.version(&v).ok());
        let (update_date, revision_id) = match (&version, &current) {
            (Some(v), _) => (
                v.entry.update_date.unwrap_or(v.entry.creation_date),
                v.entry.revision_id.clone(),
            ),
            // The revision it started with, not the state machine's current one.
            (None, Some(e)) => match ran_revision {
                Some((id, date)) => (date, Some(id)),
                None => (e.creation_date, None),
            },
            (None, None) => (r.start_date, None),
        };
        let name = machine
            .name()
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        Ok(DescribeStateMachineForExecutionOutput {
            state_machine_arn: on_version.unwrap_or_else(|| machine.to_string()),
            name,
            definition: definition.to_string(),
            role_arn: role_arn.to_string(),
            update_date,
            map_run_arn: self.service.map_runs.run_of_child(r.execution_arn.as_str()),
            label,
            revision_id,
        })
    }
}
