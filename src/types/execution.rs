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
    /// Running, ended (and how), or waiting to run again after a redrive.
    pub status: ExecutionStatus,
    /// The final output, once the execution has succeeded.
    pub output: Option<Value>,
    /// The error name it failed with (or that StopExecution gave).
    pub error: Option<String>,
    /// The cause that goes with `error`.
    pub cause: Option<String>,
    /// When it ended; `None` while it runs.
    pub stop_date: Option<DateTime<Utc>>,
    /// Empty for EXPRESS executions, which keep no history.
    pub history: Vec<HistoryEvent>,
    /// How many times it has been redriven.
    pub redrive_count: u32,
    /// When it was last redriven, if ever.
    pub redrive_date: Option<DateTime<Utc>>,
    /// Where a redrive continues (set when the execution ends unsuccessfully).
    /// Boxed: most executions succeed, and a running one should not carry the room.
    pub resume: Option<Box<ResumePoint>>,
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
    /// Running, ended (and how), or waiting to run again after a redrive.
    pub status: ExecutionStatus,
    /// The error name it failed with (or that StopExecution gave).
    pub error: Option<String>,
    /// The cause that goes with `error`.
    pub cause: Option<String>,
    /// When it ended; `None` while it runs.
    pub stop_date: Option<DateTime<Utc>>,
    /// How many events the history holds.
    pub history_len: usize,
    /// How many times it has been redriven.
    pub redrive_count: u32,
    /// When it was last redriven, if ever.
    pub redrive_date: Option<DateTime<Utc>>,
}
