//! How a workload is driven: sizes, rates and seeds, as the report records them.

use super::schedule::{Schedule, Stage};
use std::time::{Duration, Instant};

/// How a workload is driven (as the report records it).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Settings {
    /// Executions to run (the workload's default when `None` and no duration is given).
    pub executions: Option<u64>,
    /// Executions open at once.
    pub concurrency: usize,
    /// Executions started per second (fixed-rate mode), or as fast as they finish; with
    /// `stages`, the rate at the start.
    pub rate: Option<f64>,
    /// How the rate moves after the start (ramping-rate mode); none for a fixed rate.
    pub stages: Vec<Stage>,
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
    /// The role the state machine is created with over `--endpoint` (AWS checks it).
    pub role_arn: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            executions: None,
            concurrency: 1000,
            rate: None,
            stages: Vec::new(),
            duration: None,
            items: 100,
            fail_rate: 0.01,
            seed: 1,
            workers: 0,
            role_arn: None,
        }
    }
}

const RATE_ERROR: &str = "--rate must be a positive number of executions per second";

impl Settings {
    /// How many executions to start: as told, unbounded for a run of a set duration or a
    /// ramp, else the workload's `default`.
    pub fn executions_to_start(&self, default: u64) -> u64 {
        match (self.executions, self.duration) {
            (Some(n), _) => n,
            (None, Some(_)) => u64::MAX,
            (None, None) if !self.stages.is_empty() => u64::MAX,
            (None, None) => default,
        }
    }

    /// When the run stops starting executions: after `--duration`, or else at the end of
    /// the ramp's stages.
    pub fn length(&self) -> Option<Duration> {
        self.duration.or_else(|| {
            let s = self.schedule().ok().flatten()?;
            s.is_ramp().then(|| s.stages_length())
        })
    }

    /// `closed-loop`, `fixed-rate` or `ramping-rate`.
    pub fn mode(&self) -> &'static str {
        match (self.rate, self.stages.is_empty()) {
            (None, _) => "closed-loop",
            (Some(_), true) => "fixed-rate",
            (Some(_), false) => "ramping-rate",
        }
    }

    /// The arrival schedule, or `None` closed-loop; an error for a rate that is not a
    /// positive number of executions per second a clock can hold.
    pub fn schedule(&self) -> Result<Option<Schedule>, String> {
        let Some(r) = self.rate else {
            return Ok(None);
        };
        let ok = |r: f64| (0.0..=super::schedule::MAX_RATE).contains(&r);
        if !ok(r) || !self.stages.iter().all(|s| ok(s.to_rate) && s.seconds > 0.0) {
            return Err(RATE_ERROR.into());
        }
        let s = Schedule {
            from_rate: r,
            stages: self.stages.clone(),
        };
        if s.due(1).is_none() {
            return Err(RATE_ERROR.into());
        }
        Ok(Some(s))
    }

    /// When execution `i` is due from `started` under `schedule`; `None` once the schedule
    /// has ended or the run's `length` (see [`Self::length`]) is over by then.
    pub fn due(
        started: Instant,
        schedule: &Schedule,
        length: Option<Duration>,
        i: u64,
    ) -> Option<Instant> {
        let offset = schedule.due(i)?;
        if length.is_some_and(|l| offset >= l) {
            return None;
        }
        started.checked_add(offset)
    }
}
