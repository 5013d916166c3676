//! StartSyncExecution: an EXPRESS execution run to its end within the request.
//!
//! AWS keeps nothing of a synchronous Express execution but the answer: its name need not
//! be unique (two requests with one name run twice) and no later call finds it. So it is
//! neither registered nor recorded here, and a server answering millions of them keeps no
//! memory of them.

use super::error::ApiError;
use super::service::StepFunctions;
use super::types::{BillingDetails, DataDetails, StartExecutionInput, StartSyncExecutionOutput};
use crate::runtime::ExecutionRecord;
use crate::types::{ExecutionStatus, StateMachineType};

/// AWS bills an Express execution's memory in blocks of 64 MB.
const BILLED_MEMORY_MB: i64 = 64;

/// AWS bills an Express execution's duration rounded up to the next 100 ms.
const BILLED_DURATION_STEP_MS: i64 = 100;

impl StepFunctions {
    /// StartSyncExecution: runs an EXPRESS execution and answers when it ends, whether it
    /// succeeded or not (a failed execution is an answer, not an error).
    pub async fn start_sync_execution(
        &self,
        req: StartExecutionInput,
    ) -> Result<StartSyncExecutionOutput, ApiError> {
        let trace_header = req.trace_header.clone();
        let (entry, record, launch) = self.prepare(req, None)?;
        if entry.machine_type != StateMachineType::EXPRESS {
            return Err(ApiError::StateMachineTypeNotSupported(
                "This operation is not supported by STANDARD state machines".into(),
            ));
        }
        self.count_start(entry.arn.as_str(), false);
        self.spawn_new(&record, launch);
        record.wait().await;
        Ok(sync_output(&record, trace_header))
    }
}

/// The answer for an ended execution.
fn sync_output(r: &ExecutionRecord, trace_header: Option<String>) -> StartSyncExecutionOutput {
    let p = r.summary();
    let stop_date = p.stop_date.unwrap_or(r.start_date);
    let output = r.output_text();
    let duration_ms = (stop_date - r.start_date).num_milliseconds().max(1);
    StartSyncExecutionOutput {
        execution_arn: r.execution_arn.as_str().to_owned(),
        state_machine_arn: r.state_machine_arn.as_str().to_owned(),
        name: r.name.as_str().to_owned(),
        start_date: r.start_date,
        stop_date,
        // An Express execution ends in one of these three; one stopped from inside (a
        // Fail state) is FAILED.
        status: match p.status {
            ExecutionStatus::SUCCEEDED => "SUCCEEDED",
            ExecutionStatus::TIMED_OUT => "TIMED_OUT",
            _ => "FAILED",
        }
        .into(),
        error: p.error,
        cause: p.cause,
        input: r.input.to_string(),
        input_details: DataDetails { included: true },
        output_details: output.as_ref().map(|_| DataDetails { included: true }),
        output,
        trace_header,
        billing_details: BillingDetails {
            billed_memory_used_in_mb: BILLED_MEMORY_MB,
            billed_duration_in_milliseconds: (duration_ms + BILLED_DURATION_STEP_MS - 1)
                / BILLED_DURATION_STEP_MS
                * BILLED_DURATION_STEP_MS,
        },
    }
}
