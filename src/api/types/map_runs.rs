//! The shapes of the Map Run operations.

use super::epoch;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
