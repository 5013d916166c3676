//! What changes while an execution runs, and the part of it that DescribeExecution and
//! ListExecutions read.

use super::history::HistoryEvent;
use super::resume::ResumePoint;
use super::status::ExecutionStatus;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// What changes while an execution runs.
#[derive(Debug, Clone)]
pub struct ExecutionProgress {
    pub status: ExecutionStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub stop_date: Option<DateTime<Utc>>,
    /// Empty for EXPRESS executions, which keep no history.
    pub history: Vec<HistoryEvent>,
    pub redrive_count: u32,
    pub redrive_date: Option<DateTime<Utc>>,
    /// Where a redrive continues (set when the execution ends unsuccessfully).
    pub resume: Option<ResumePoint>,
    /// clientTokens of recent successful redrives, with when they were used (AWS keeps the
    /// last 10 for 15 minutes).
    pub redrive_tokens: Vec<(String, DateTime<Utc>)>,
}

impl ExecutionProgress {
    /// A redrive was accepted: one more redrive, dated `at`, and the last run's result
    /// forgotten. Returns the new redrive count. (The caller sets the status.)
    pub fn begin_redrive(&mut self, at: DateTime<Utc>) -> u32 {
        self.redrive_count += 1;
        self.redrive_date = Some(at);
        self.stop_date = None;
        self.error = None;
        self.cause = None;
        self.output = None;
        self.redrive_count
    }
}

/// What DescribeExecution and ListExecutions need, without copying the history or the
/// output (see `ExecutionRecord::output_text`).
#[derive(Debug, Clone)]
pub struct ExecutionSummary {
    pub status: ExecutionStatus,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub stop_date: Option<DateTime<Utc>>,
    pub history_len: usize,
    pub redrive_count: u32,
    pub redrive_date: Option<DateTime<Utc>>,
}
