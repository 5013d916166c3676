//! The data of a Map Run: its counts of items and child executions, its configuration, and
//! what changes while it runs.

use super::status::MapRunStatus;
use chrono::{DateTime, Utc};

/// `MapRunItemCounts` / `MapRunExecutionCounts`: the same fields for items and for child
/// executions (they differ when an ItemBatcher puts several items in one execution).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapRunCounts {
    pub pending: u64,
    pub running: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub timed_out: u64,
    pub aborted: u64,
    pub total: u64,
    pub results_written: u64,
    pub failures_not_redrivable: u64,
    pub pending_redrive: u64,
}

/// How one child ended, as the counts see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildEnd {
    Succeeded,
    Failed,
    TimedOut,
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
    pub status: MapRunStatus,
    pub stop_date: Option<DateTime<Utc>>,
    pub config: MapRunConfig,
    pub items: MapRunCounts,
    pub executions: MapRunCounts,
    pub redrive_count: u32,
    pub redrive_date: Option<DateTime<Utc>>,
}
