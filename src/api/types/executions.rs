//! The shapes of the execution operations, RedriveExecution's among them.

use super::epoch;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The request of StartExecution and StartSyncExecution.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartExecutionInput {
    /// The state machine ARN; `ARN#TestCase` selects a test case of the mock config, as
    /// AWS Step Functions Local does.
    pub state_machine_arn: String,
    /// The execution's name, unique per state machine; a UUID is generated when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The input as JSON text (default `{}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// An X-Ray trace header (`traceHeader`); accepted and not used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_header: Option<String>,
}

/// StartExecution's response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartExecutionOutput {
    /// The ARN of the started execution (`executionArn`).
    pub execution_arn: String,
    /// When the execution started, on the service's clock.
    #[serde(with = "epoch")]
    pub start_date: DateTime<Utc>,
}

/// A request naming one execution: DescribeExecution's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionArnInput {
    /// The ARN of the execution to describe (`executionArn`).
    pub execution_arn: String,
}

/// DescribeExecution's output (also what StartSyncExecution returns, less the redrive
/// fields).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DescribeExecutionOutput {
    /// The ARN that identifies the execution (`executionArn`).
    pub execution_arn: String,
    /// The ARN of the state machine the execution runs.
    pub state_machine_arn: String,
    /// The execution's name, the last part of its ARN.
    pub name: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED` or `PENDING_REDRIVE`.
    pub status: String,
    /// When the execution started.
    #[serde(with = "epoch")]
    pub start_date: DateTime<Utc>,
    /// When the execution ended; absent while it runs.
    #[serde(with = "epoch::opt", skip_serializing_if = "Option::is_none", default)]
    pub stop_date: Option<DateTime<Utc>>,
    /// The execution's input, as JSON text.
    pub input: String,
    /// The execution's output, as JSON text; set only when it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The error name when the execution failed, timed out or was stopped with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The human-readable cause that goes with `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// How many times the execution has been redriven (0 if never).
    pub redrive_count: u32,
    /// When the execution was last redriven; absent if never.
    #[serde(with = "epoch::opt", skip_serializing_if = "Option::is_none", default)]
    pub redrive_date: Option<DateTime<Utc>>,
    /// `REDRIVABLE`, `NOT_REDRIVABLE`, or `REDRIVABLE_BY_MAP_RUN` for a Distributed Map's child.
    pub redrive_status: String,
    /// Why the execution cannot be redriven, when `redriveStatus` is `NOT_REDRIVABLE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redrive_status_reason: Option<String>,
    /// The version it was started on, if it was started on a version or alias.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub state_machine_version_arn: Option<String>,
    /// The alias it was started through, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub state_machine_alias_arn: Option<String>,
}

/// ListExecutions' request: a state machine's executions, or a Map Run's child executions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListExecutionsInput {
    /// The state machine whose executions are listed; give this or `mapRunArn`, not both.
    pub state_machine_arn: Option<String>,
    /// Only executions in this status (`RUNNING`, `SUCCEEDED`, ..., `PENDING_REDRIVE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_filter: Option<String>,
    /// `REDRIVEN` or `NOT_REDRIVEN`: only executions redriven at least once, or never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redrive_filter: Option<String>,
    /// The child executions of a Distributed Map's Map Run, instead of a state machine's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_run_arn: Option<String>,
    /// Most items in one page: 1 to 1000; absent or 0 means 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    /// The `nextToken` of the previous page, to continue after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// One execution in ListExecutions' answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionListItem {
    /// The ARN that identifies the execution (`executionArn`).
    pub execution_arn: String,
    /// The ARN of the state machine the execution runs.
    pub state_machine_arn: String,
    /// The execution's name, the last part of its ARN.
    pub name: String,
    /// The execution's current status (`RUNNING`, `SUCCEEDED`, ...).
    pub status: String,
    /// When the execution started.
    #[serde(with = "epoch")]
    pub start_date: DateTime<Utc>,
    /// When the execution ended; absent while it runs.
    #[serde(with = "epoch::opt", skip_serializing_if = "Option::is_none", default)]
    pub stop_date: Option<DateTime<Utc>>,
    /// How many times the execution has been redriven (0 if never).
    pub redrive_count: u32,
    /// When the execution was last redriven; absent if never.
    #[serde(with = "epoch::opt", skip_serializing_if = "Option::is_none", default)]
    pub redrive_date: Option<DateTime<Utc>>,
    /// The version it was started on, if it was started on a version or alias.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub state_machine_version_arn: Option<String>,
    /// The alias it was started through, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub state_machine_alias_arn: Option<String>,
}

/// ListExecutions' response: one page of executions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListExecutionsOutput {
    /// This page's executions, newest first.
    pub executions: Vec<ExecutionListItem>,
    /// Set when more pages follow: pass it back as `nextToken` for the next one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// StopExecution's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopExecutionInput {
    /// The ARN of the execution to stop (`executionArn`).
    pub execution_arn: String,
    /// The error to record on the stopped execution, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The cause to record with the error, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// StopExecution's response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopExecutionOutput {
    /// When the execution stopped (or had already ended).
    #[serde(with = "epoch")]
    pub stop_date: DateTime<Utc>,
}

/// GetExecutionHistory's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetExecutionHistoryInput {
    /// The ARN of the execution whose events are returned (`executionArn`).
    pub execution_arn: String,
    /// Most events in one page: 1 to 1000; absent or 0 means 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    /// Newest event first instead of oldest first.
    #[serde(default)]
    pub reverse_order: bool,
    /// The `nextToken` of the previous page, to continue after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// GetExecutionHistory's response: one page of history events.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetExecutionHistoryOutput {
    /// Events in AWS's JSON shape (see [`crate::types::HistoryEvent::to_json`]).
    pub events: Vec<Value>,
    /// Set when more pages follow: pass it back as `nextToken` for the next one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// RedriveExecution's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedriveExecutionInput {
    /// The ARN of the failed, timed-out or aborted execution to redrive (`executionArn`).
    pub execution_arn: String,
    /// Idempotency: the same token within 15 minutes returns the same response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

/// RedriveExecution's response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedriveExecutionOutput {
    /// When the redrive started.
    #[serde(with = "epoch")]
    pub redrive_date: DateTime<Utc>,
}

/// StartSyncExecution's response: how the EXPRESS execution ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StartSyncExecutionOutput {
    /// The ARN that identifies the execution (`executionArn`).
    pub execution_arn: String,
    /// The ARN of the state machine the execution ran.
    pub state_machine_arn: String,
    /// The execution's name, the last part of its ARN.
    pub name: String,
    /// When the execution started.
    #[serde(with = "epoch")]
    pub start_date: DateTime<Utc>,
    /// When the execution ended.
    #[serde(with = "epoch")]
    pub stop_date: DateTime<Utc>,
    /// `SUCCEEDED`, `FAILED` or `TIMED_OUT`.
    pub status: String,
    /// The error name when the execution failed or timed out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The human-readable cause that goes with `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The execution's input, as JSON text.
    pub input: String,
    /// Whether the input is given whole (it always is here).
    pub input_details: DataDetails,
    /// The execution's output, as JSON text; set only when it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Whether the output is given whole; absent when there is no output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_details: Option<DataDetails>,
    /// The X-Ray trace header the request passed, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_header: Option<String>,
    /// What AWS would bill for the execution.
    pub billing_details: BillingDetails,
}

/// `CloudWatchEventsExecutionDataDetails`: whether a payload is included in the answer.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct DataDetails {
    /// `true` when the payload is in the answer.
    pub included: bool,
}

/// `BillingDetails` of an EXPRESS execution: its duration and memory as AWS bills them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BillingDetails {
    /// Memory billed, in MB.
    #[serde(rename = "billedMemoryUsedInMB")]
    pub billed_memory_used_in_mb: i64,
    /// Duration billed, in milliseconds.
    pub billed_duration_in_milliseconds: i64,
}
