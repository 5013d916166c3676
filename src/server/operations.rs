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
        "CreateStateMachine" => call(body, |r| sfn.create_state_machine(r)),
        "DescribeStateMachine" => call(body, |r| sfn.describe_state_machine(r)),
        "ListStateMachines" => call(body, |r| sfn.list_state_machines(r)),
        "DeleteStateMachine" => call(body, |r| sfn.delete_state_machine(r).map(|()| Empty {})),
        "ValidateStateMachineDefinition" => {
            call(body, |r| sfn.validate_state_machine_definition(r))
        }
        "StartExecution" => call(body, |r| sfn.start_execution(r)),
        "StartSyncExecution" => {
            let output = sfn.start_sync_execution(read(body)?).await?;
            write(&output)
        }
        "DescribeExecution" => call(body, |r| sfn.describe_execution(r)),
        "ListExecutions" => call(body, |r| sfn.list_executions(r)),
        "StopExecution" => call(body, |r| sfn.stop_execution(r)),
        "GetExecutionHistory" => call(body, |r| sfn.get_execution_history(r)),
        "RedriveExecution" => call(body, |r| sfn.redrive_execution(r)),
        "DescribeMapRun" => call(body, |r| sfn.describe_map_run(r)),
        "ListMapRuns" => call(body, |r| sfn.list_map_runs(r)),
        "UpdateMapRun" => call(body, |r| sfn.update_map_run(r).map(|()| Empty {})),
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
    body: &[u8],
    op: impl FnOnce(I) -> Result<O, ApiError>,
) -> Result<Vec<u8>, Failure> {
    write(&op(read(body)?)?)
}

/// The input shape `I` read from `body`; an empty body is `{}`.
fn read<I: DeserializeOwned>(body: &[u8]) -> Result<I, Failure> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| Failure::Serialization(format!("The request body is not valid: {e}")))
}

/// The output written as the answer's body.
fn write<O: Serialize>(output: &O) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(output).map_err(|e| {
        Failure::Api(ApiError::InternalFailure(format!(
            "The answer could not be written: {e}"
        )))
    })
}
