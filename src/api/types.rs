//! Request and response shapes of the operations, with AWS's field names (camelCase on the
//! wire). Dates serialise as epoch seconds, as the AWS JSON 1.0 protocol sends them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Serde helpers for dates as epoch seconds with millisecond fractions.
pub mod epoch {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes a date as epoch seconds, a float with millisecond precision.
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(t.timestamp_millis() as f64 / 1000.0)
    }

    /// Reads a date from epoch seconds, keeping milliseconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let secs = f64::deserialize(d)?;
        DateTime::from_timestamp_millis((secs * 1000.0) as i64)
            .ok_or_else(|| serde::de::Error::custom("date out of range"))
    }

    /// The same for optional dates.
    pub mod opt {
        use super::*;
        use serde::Serialize;

        /// Writes an optional date as epoch seconds, or `null` when there is none.
        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            t.map(|t| t.timestamp_millis() as f64 / 1000.0).serialize(s)
        }

        /// Reads an optional date from epoch seconds; `null` or a date out of range gives `None`.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            let secs = Option::<f64>::deserialize(d)?;
            Ok(secs.and_then(|s| DateTime::from_timestamp_millis((s * 1000.0) as i64)))
        }
    }
}

/// CreateStateMachine's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachineInput {
    /// The state machine's name, which ends its ARN (1 to 80 characters).
    pub name: String,
    /// The Amazon States Language definition, as JSON text.
    pub definition: String,
    /// The IAM role ARN (`roleArn`) executions run as, shown in the context object; required.
    pub role_arn: String,
    /// `STANDARD` (when absent) or `EXPRESS`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
}

/// CreateStateMachine's response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachineOutput {
    /// The ARN of the created state machine (`stateMachineArn`).
    pub state_machine_arn: String,
    /// When the state machine was created; an identical one created again keeps its date.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// A request naming one state machine: DescribeStateMachine's and DeleteStateMachine's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineArnInput {
    /// The ARN of the state machine to describe or delete (`stateMachineArn`).
    pub state_machine_arn: String,
}

/// DescribeStateMachine's response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeStateMachineOutput {
    /// The ARN that identifies the state machine (`stateMachineArn`).
    pub state_machine_arn: String,
    /// The name given at creation.
    pub name: String,
    /// `ACTIVE` or `DELETING`; always `ACTIVE` here, as a delete takes effect at once.
    pub status: String,
    /// The Amazon States Language definition given at creation, as JSON text.
    pub definition: String,
    /// The IAM role ARN given at creation (`roleArn`).
    pub role_arn: String,
    /// `STANDARD` or `EXPRESS`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// When the state machine was created, on the service's clock.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// ListStateMachines' request: the page size and where to continue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInput {
    /// Most items in one page: 1 to 1000; absent or 0 means 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    /// The `nextToken` of the previous page, to continue after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// One state machine in ListStateMachines' answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineListItem {
    /// The ARN that identifies the state machine (`stateMachineArn`).
    pub state_machine_arn: String,
    /// The name given at creation.
    pub name: String,
    /// `STANDARD` or `EXPRESS`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// When the state machine was created.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// ListStateMachines' response: one page of state machines.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListStateMachinesOutput {
    /// This page's state machines, in name order.
    pub state_machines: Vec<StateMachineListItem>,
    /// Set when more pages follow: pass it back as `nextToken` for the next one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

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

/// ValidateStateMachineDefinition's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateStateMachineDefinitionInput {
    /// The Amazon States Language definition to check, as JSON text.
    pub definition: String,
    /// `STANDARD` (when absent) or `EXPRESS`; any other value is rejected.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
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

/// DescribeMapRun's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeMapRunInput {
    /// The ARN of the Map Run to describe (`mapRunArn`).
    pub map_run_arn: String,
}

/// `MapRunItemCounts` and `MapRunExecutionCounts` (the same fields).
pub use crate::types::MapRunCounts;

/// DescribeMapRun's response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeMapRunOutput {
    /// The ARN that identifies the Map Run (`mapRunArn`).
    pub map_run_arn: String,
    /// The execution whose Distributed Map state started the Map Run.
    pub execution_arn: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED` or `ABORTED`.
    pub status: String,
    /// When the Map Run started.
    #[serde(with = "epoch")]
    pub start_date: DateTime<Utc>,
    /// When the Map Run ended; absent while it runs.
    #[serde(with = "epoch::opt", skip_serializing_if = "Option::is_none", default)]
    pub stop_date: Option<DateTime<Utc>>,
    /// Most child executions that run at once; 0 means as many as allowed.
    pub max_concurrency: u32,
    /// The percentage of failures above which the Map Run fails (0 when none was set).
    pub tolerated_failure_percentage: f64,
    /// The number of failures above which the Map Run fails (0 when none was set).
    pub tolerated_failure_count: u64,
    /// The Map Run's items, counted by how far each got (`itemCounts`).
    pub item_counts: MapRunCounts,
    /// The Map Run's child executions, counted by status (`executionCounts`).
    pub execution_counts: MapRunCounts,
    /// How many times the Map Run has been redriven (0 if never).
    pub redrive_count: u32,
    /// When the Map Run was last redriven; absent if never.
    #[serde(with = "epoch::opt", skip_serializing_if = "Option::is_none", default)]
    pub redrive_date: Option<DateTime<Utc>>,
}

/// ListMapRuns' request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMapRunsInput {
    /// The ARN of the execution whose Map Runs are listed (`executionArn`).
    pub execution_arn: String,
    /// Most items in one page: 1 to 1000; absent or 0 means 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    /// The `nextToken` of the previous page, to continue after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// One Map Run in ListMapRuns' answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapRunListItem {
    /// The execution whose Distributed Map state started the Map Run.
    pub execution_arn: String,
    /// The ARN that identifies the Map Run (`mapRunArn`).
    pub map_run_arn: String,
    /// The ARN the child executions run under (`...:stateMachine:{name}/{label}`).
    pub state_machine_arn: String,
    /// When the Map Run started.
    #[serde(with = "epoch")]
    pub start_date: DateTime<Utc>,
    /// When the Map Run ended; absent while it runs.
    #[serde(with = "epoch::opt", skip_serializing_if = "Option::is_none", default)]
    pub stop_date: Option<DateTime<Utc>>,
}

/// ListMapRuns' response: one page of Map Runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMapRunsOutput {
    /// This page's Map Runs, newest first.
    pub map_runs: Vec<MapRunListItem>,
    /// Set when more pages follow: pass it back as `nextToken` for the next one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// UpdateMapRun's request: at least one of the three limits must be given.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMapRunInput {
    /// The ARN of the running Map Run to change (`mapRunArn`).
    pub map_run_arn: String,
    /// The new limit on child executions running at once; 0 means as many as allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<i64>,
    /// The new percentage of failures above which the run fails, from 0 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerated_failure_percentage: Option<f64>,
    /// The new number of failures above which the run fails, at least 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerated_failure_count: Option<i64>,
}
