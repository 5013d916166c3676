//! The data of a Map Run: its counts of items and child executions, its configuration, and
//! what changes while it runs.

use super::status::MapRunStatus;
use chrono::{DateTime, Utc};

/// `MapRunItemCounts` / `MapRunExecutionCounts`: the same fields for items and for child
/// executions (they differ when an ItemBatcher puts several items in one execution).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapRunCounts {
    /// How many have not started yet (or wait to run again after a redrive).
    pub pending: u64,
    /// How many are in child executions that are still running.
    pub running: u64,
    /// How many ended in a child execution that succeeded.
    pub succeeded: u64,
    /// How many ended in a child execution that failed.
    pub failed: u64,
    /// How many ended in a child execution that ran out of time.
    pub timed_out: u64,
    /// How many ended in a child execution that was stopped (by a user, or as the run failed).
    pub aborted: u64,
    /// How many the run has in all.
    pub total: u64,
    /// How many had their results written by the ResultWriter.
    pub results_written: u64,
    /// How many ended unsuccessfully in a way that a redrive cannot run again.
    pub failures_not_redrivable: u64,
    /// How many unsuccessful ones the latest redrive set to run again.
    pub pending_redrive: u64,
}

/// How one child ended, as the counts see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildEnd {
    /// The child execution ended successfully.
    Succeeded,
    /// The child execution failed.
    Failed,
    /// The child execution ran longer than its timeout allowed.
    TimedOut,
    /// The child execution was stopped before it ended.
    Aborted,
}

impl MapRunCounts {
    /// `n` children started.
    pub fn started(&mut self, n: u64) {
        self.pending = self.pending.saturating_sub(n);
        self.running += n;
    }

    /// `n` children ended as `end` says.
    pub fn ended(&mut self, n: u64, end: ChildEnd) {
        self.running = self.running.saturating_sub(n);
        match end {
            ChildEnd::Succeeded => self.succeeded += n,
            ChildEnd::Failed => self.failed += n,
            ChildEnd::TimedOut => self.timed_out += n,
            ChildEnd::Aborted => self.aborted += n,
        }
    }
}

/// The limits a Map Run runs under; UpdateMapRun changes them while it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapRunConfig {
    /// 0: as many as allowed.
    pub max_concurrency: u32,
    /// Set when the state gave ToleratedFailurePercentage(Path).
    pub tolerated_failure_percentage: Option<f64>,
    /// Set when the state gave ToleratedFailureCount(Path).
    pub tolerated_failure_count: Option<u64>,
}

impl MapRunConfig {
    /// AWS: the run fails once its failed (or timed-out) children exceed either threshold
    /// given; with neither given, one failure is too many.
    pub fn exceeded(&self, failures: u64, total: u64) -> bool {
        let by_count = self.tolerated_failure_count.map(|c| failures > c);
        let by_percentage = self
            .tolerated_failure_percentage
            .map(|p| total > 0 && (failures as f64) * 100.0 > p * total as f64);
        match (by_count, by_percentage) {
            (None, None) => failures > 0,
            (c, p) => c.unwrap_or(false) || p.unwrap_or(false),
        }
    }
}

/// What changes while a Map Run runs.
#[derive(Debug, Clone)]
pub struct MapRunProgress {
    /// Whether the run is still going and, if not, how it ended.
    pub status: MapRunStatus,
    /// When the run ended; `None` while it runs.
    pub stop_date: Option<DateTime<Utc>>,
    /// The limits in force, as UpdateMapRun last left them.
    pub config: MapRunConfig,
    /// Where the run's items stand.
    pub items: MapRunCounts,
    /// Where the run's child executions stand.
    pub executions: MapRunCounts,
    /// How many times the run has been redriven.
    pub redrive_count: u32,
    /// When the run was last redriven, if ever.
    pub redrive_date: Option<DateTime<Utc>>,
}
