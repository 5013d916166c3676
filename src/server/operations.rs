//! Each operation by its AWS name: the body read into the operation's input shape, the API
//! called, and its output written back in the model's member names.

use super::failure::Failure;
use crate::api::{ApiError, StepFunctions};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Runs operation `op` on `body`; the answer's body, or why there is none.
pub(super) async fn dispatch(
    sfn: &StepFunctions,
    op: &str,
    body: &[u8],
) -> Result<Vec<u8>, Failure> {
    match op {
        "CreateStateMachine" => call(op, body, |r| sfn.create_state_machine(r)),
        "DescribeStateMachine" => call(op, body, |r| sfn.describe_state_machine(r)),
        "ListStateMachines" => call(op, body, |r| sfn.list_state_machines(r)),
        "DeleteStateMachine" => call(op, body, |r| sfn.delete_state_machine(r).map(|()| Empty {})),
        "ValidateStateMachineDefinition" => {
            call(op, body, |r| sfn.validate_state_machine_definition(r))
        }
        "StartExecution" => call(op, body, |r| sfn.start_execution(r)),
        "StartSyncExecution" => {
            let output = sfn.start_sync_execution(read(op, body)?).await?;
            write(&output)
        }
        "DescribeExecution" => call(op, body, |r| sfn.describe_execution(r)),
        "ListExecutions" => call(op, body, |r| sfn.list_executions(r)),
        "StopExecution" => call(op, body, |r| sfn.stop_execution(r)),
        "GetExecutionHistory" => call(op, body, |r| sfn.get_execution_history(r)),
        "RedriveExecution" => call(op, body, |r| sfn.redrive_execution(r)),
        "SendTaskSuccess" => call(op, body, |r| sfn.send_task_success(r)),
        "SendTaskFailure" => call(op, body, |r| sfn.send_task_failure(r)),
        "SendTaskHeartbeat" => call(op, body, |r| sfn.send_task_heartbeat(r)),
        "CreateActivity" => call(op, body, |r| sfn.create_activity(r)),
        "DescribeActivity" => call(op, body, |r| sfn.describe_activity(r)),
        "ListActivities" => call(op, body, |r| sfn.list_activities(r)),
        "DeleteActivity" => call(op, body, |r| sfn.delete_activity(r).map(|()| Empty {})),
        "GetActivityTask" => {
            let output = sfn.get_activity_task(read(op, body)?).await?;
            write(&output)
        }
        "TagResource" => call(op, body, |r| sfn.tag_resource(r).map(|()| Empty {})),
        "UntagResource" => call(op, body, |r| sfn.untag_resource(r).map(|()| Empty {})),
        "ListTagsForResource" => call(op, body, |r| sfn.list_tags_for_resource(r)),
        "UpdateStateMachine" => call(op, body, |r| sfn.update_state_machine(r)),
        "PublishStateMachineVersion" => call(op, body, |r| sfn.publish_state_machine_version(r)),
        "ListStateMachineVersions" => call(op, body, |r| sfn.list_state_machine_versions(r)),
        "DeleteStateMachineVersion" => call(op, body, |r| {
            sfn.delete_state_machine_version(r).map(|()| Empty {})
        }),
        "CreateStateMachineAlias" => call(op, body, |r| sfn.create_state_machine_alias(r)),
        "DescribeStateMachineAlias" => call(op, body, |r| sfn.describe_state_machine_alias(r)),
        "UpdateStateMachineAlias" => call(op, body, |r| sfn.update_state_machine_alias(r)),
        "DeleteStateMachineAlias" => call(op, body, |r| {
            sfn.delete_state_machine_alias(r).map(|()| Empty {})
        }),
        "ListStateMachineAliases" => call(op, body, |r| sfn.list_state_machine_aliases(r)),
        "DescribeStateMachineForExecution" => {
            call(op, body, |r| sfn.describe_state_machine_for_execution(r))
        }
        "TestState" => {
            let output = sfn.test_state(read(op, body)?).await?;
            write(&output)
        }
        "DescribeMapRun" => call(op, body, |r| sfn.describe_map_run(r)),
        "ListMapRuns" => call(op, body, |r| sfn.list_map_runs(r)),
        "UpdateMapRun" => call(op, body, |r| sfn.update_map_run(r).map(|()| Empty {})),
        other => Err(Failure::UnknownOperation(format!(
            "The operation {other} is not supported by this service"
        ))),
    }
}

/// The output of an operation that has no members.
#[derive(Serialize)]
struct Empty {}

/// Runs `op` on the input shape `I` read from `body` and writes its output.
fn call<I: DeserializeOwned, O: Serialize>(
    op: &str,
    body: &[u8],
    run: impl FnOnce(I) -> Result<O, ApiError>,
) -> Result<Vec<u8>, Failure> {
    write(&run(read(op, body)?)?)
}

/// The input shape `I` of `op` read from `body` (an empty body is `{}`), within the
/// model's constraints.
fn read<I: DeserializeOwned>(op: &str, body: &[u8]) -> Result<I, Failure> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let invalid = |e: serde_json::Error| {
        Failure::Serialization(format!("The request body is not valid: {e}"))
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(invalid)?;
    super::constraints::check(op, &value)?;
    serde_json::from_value(value).map_err(invalid)
}

/// The output written as the answer's body.
fn write<O: Serialize>(output: &O) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(output).map_err(|e| {
        Failure::Api(ApiError::InternalFailure(format!(
            "The answer could not be written: {e}"
        )))
    })
}
