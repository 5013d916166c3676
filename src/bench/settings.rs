//! How a workload is driven: sizes, rates and seeds, as the report records them.

use std::time::{Duration, Instant};

/// How a workload is driven (as the report records it).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Settings {
    /// Executions to run (the workload's default when `None` and no duration is given).
    pub executions: Option<u64>,
    /// Executions open at once.
    pub concurrency: usize,
    /// Executions started per second (fixed-rate mode), or as fast as they finish.
    pub rate: Option<f64>,
    /// Stop starting executions after this long.
    #[serde(rename = "duration_seconds", serialize_with = "super::report::seconds")]
    pub duration: Option<Duration>,
    /// Items per execution, for the workloads over items.
    pub items: u64,
    /// The fraction of the items that fail their first attempt (`redrive`).
    pub fail_rate: f64,
    /// Seeds the runtime and the bench handlers, so that a run can be repeated exactly.
    pub seed: u64,
    /// Arbiter threads (0: one per core).
    pub workers: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            executions: None,
            concurrency: 1000,
            rate: None,
            duration: None,
            items: 100,
            fail_rate: 0.01,
            seed: 1,
            workers: 0,
        }
    }
}

const RATE_ERROR: &str = "--rate must be a positive number of executions per second";

impl Settings {
    /// How many executions to start: as told, unbounded for a run of a set duration, else
    /// the workload's `default`.
    pub fn executions_to_start(&self, default: u64) -> u64 {
        match (self.executions, self.duration) {
            (Some(n), _) => n,
            (None, Some(_)) => u64::MAX,
            (None, None) => default,
        }
    }

    /// The time between two starts at a fixed rate, or `None` closed-loop; an error for a
    /// rate that is not a positive number of executions per second a clock can hold.
    pub fn interval(&self) -> Result<Option<Duration>, String> {
        let Some(r) = self.rate else {
            return Ok(None);
        };
        if !(r.is_finite() && r > 0.0) {
            return Err(RATE_ERROR.into());
        }
        Duration::try_from_secs_f64(1.0 / r)
            .map(Some)
            .map_err(|_| RATE_ERROR.into())
    }

    /// When execution `i` is due at a fixed rate of one every `interval` from `started`;
    /// `None` past what the clock can hold (the schedule has ended).
    pub fn due(started: Instant, interval: Duration, i: u64) -> Option<Instant> {
        Duration::try_from_secs_f64(interval.as_secs_f64() * i as f64)
            .ok()
            .and_then(|offset| started.checked_add(offset))
    }
}
