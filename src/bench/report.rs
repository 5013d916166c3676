//! What `sfn bench` reports: a table on the terminal, `--out report.json` (its shape is
//! documented in the README, and a test holds it), and a static HTML page with a
//! latency-percentile plot.

use super::settings::Settings;
use super::workloads::Workload;
use crate::metrics::{Kind, LatencySummary, Metrics};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// How the executions of a phase ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    /// How many executions the phase started.
    pub started: u64,
    /// How many of them ended successfully.
    pub succeeded: u64,
    /// How many of them ended unsuccessfully.
    pub failed: u64,
}

impl Counts {
    /// `started` executions of which `ended` ended, `failed` of them unsuccessfully.
    pub fn new(started: u64, ended: u64, failed: u64) -> Self {
        Counts {
            started,
            succeeded: ended.saturating_sub(failed),
            failed,
        }
    }
}

/// A phase's rates, over its wall-clock time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Throughput {
    /// Executions ended per second.
    pub executions_per_second: f64,
    /// States entered per second.
    pub transitions_per_second: f64,
    /// Map iterations and Distributed Map children finished per second.
    pub items_per_second: f64,
}

/// One timed part of a run: the run itself, or the redrive that follows it.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseReport {
    /// `run`, or `redrive` for the redrive of the executions that failed.
    pub name: String,
    /// How long the phase took by the wall clock, to the millisecond.
    pub wall_seconds: f64,
    /// How its executions ended.
    pub executions: Counts,
    /// States entered during the phase.
    pub transitions: u64,
    /// Its rates per second.
    pub throughput: Throughput,
    /// By kind: `execution`, `transition`, `task`, `map_item`.
    pub latency: BTreeMap<&'static str, LatencySummary>,
    /// The whole distribution per kind, for `--hgrm`.
    #[serde(skip)]
    pub histograms: BTreeMap<&'static str, hdrhistogram::Histogram<u64>>,
    /// The phase second by second (executions started and ended, p50 and p99).
    pub timeline: Vec<super::timeline::Second>,
}

impl PhaseReport {
    /// Summarises a phase that took `wall`, from its counts and what `metrics` recorded.
    pub fn new(name: &str, wall: Duration, executions: Counts, metrics: &Metrics) -> Self {
        let secs = wall.as_secs_f64().max(1e-9);
        let mut latency = BTreeMap::new();
        let mut histograms = BTreeMap::new();
        for kind in Kind::ALL {
            let h = metrics.snapshot(kind);
            latency.insert(kind.name(), LatencySummary::of(&h));
            histograms.insert(kind.name(), h);
        }
        let transitions = metrics.transitions();
        let items = latency.get("map_item").map_or(0, |s| s.count);
        PhaseReport {
            name: name.to_string(),
            wall_seconds: round3(secs),
            throughput: Throughput {
                executions_per_second: round3(
                    (executions.succeeded + executions.failed) as f64 / secs,
                ),
                transitions_per_second: round3(transitions as f64 / secs),
                items_per_second: round3(items as f64 / secs),
            },
            executions,
            transitions,
            latency,
            histograms,
            timeline: Vec::new(),
        }
    }

    /// The phase with its seconds.
    pub fn with_timeline(mut self, timeline: Vec<super::timeline::Second>) -> Self {
        self.timeline = timeline;
        self
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A duration as a number of seconds (null for none).
pub(super) fn seconds<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_f64(d.as_secs_f64()),
        None => s.serialize_none(),
    }
}

/// How a threshold came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The threshold as given.
    pub threshold: String,
    /// The figure it was held against (µs for latencies, % or a count for `failed`).
    pub actual: f64,
    /// Whether it held.
    pub passed: bool,
}

/// The whole report, as `--out` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The workload's name, or the definition file it was read from.
    pub workload: String,
    /// STANDARD or EXPRESS.
    pub machine_type: String,
    /// `closed-loop`, `fixed-rate` or `ramping-rate`.
    pub mode: &'static str,
    /// Execution latencies are timed from the schedule (fixed-rate mode).
    pub coordinated_omission_corrected: bool,
    /// How the workload was driven.
    pub settings: Settings,
    /// The run, then the redrive when the workload has one.
    pub phases: Vec<PhaseReport>,
    /// The process's peak resident set (Linux), or null where unknown: with an endpoint,
    /// the client's.
    pub peak_rss_bytes: Option<u64>,
    /// The endpoint the run was driven against over HTTP, or null for an embedded run.
    pub endpoint: Option<String>,
    /// The `--threshold`s, judged on the run phase.
    pub thresholds: Vec<Verdict>,
}

impl Report {
    /// The report of a workload driven as `s` says, with its timed phases.
    pub fn new(
        workload: &Workload,
        s: &Settings,
        phases: Vec<PhaseReport>,
        peak_rss_bytes: Option<u64>,
    ) -> Self {
        Report {
            workload: workload.name.clone(),
            machine_type: workload.machine_type.clone(),
            mode: s.mode(),
            coordinated_omission_corrected: s.rate.is_some(),
            settings: s.clone(),
            phases,
            peak_rss_bytes,
            endpoint: None,
            thresholds: Vec::new(),
        }
    }

    /// The report as `--out` writes it: indented JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The table printed at the end of a run.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "workload {} ({}, {})",
            self.workload, self.machine_type, self.mode
        );
        if let Some(url) = &self.endpoint {
            let _ = writeln!(out, "against {url}");
        }
        for p in &self.phases {
            let _ = writeln!(
                out,
                "\n{}: {} executions ({} succeeded, {} failed) in {:.3} s",
                p.name,
                p.executions.started,
                p.executions.succeeded,
                p.executions.failed,
                p.wall_seconds
            );
            let _ = writeln!(
                out,
                "  {:.0} executions/s, {:.0} transitions/s, {:.0} items/s",
                p.throughput.executions_per_second,
                p.throughput.transitions_per_second,
                p.throughput.items_per_second
            );
            let _ = writeln!(
                out,
                "  {:<12} {:>10} {:>11} {:>11} {:>11} {:>11} {:>11}",
                "latency µs", "count", "p50", "p90", "p99", "p99.9", "max"
            );
            for kind in Kind::ALL {
                let Some(s) = p.latency.get(kind.name()).filter(|s| s.count > 0) else {
                    continue;
                };
                let _ = writeln!(
                    out,
                    "  {:<12} {:>10} {:>11.1} {:>11.1} {:>11.1} {:>11.1} {:>11.1}",
                    kind.name(),
                    s.count,
                    s.p50_us,
                    s.p90_us,
                    s.p99_us,
                    s.p99_9_us,
                    s.max_us
                );
            }
        }
        if let Some(rss) = self.peak_rss_bytes {
            let _ = writeln!(out, "\npeak RSS {} MiB", rss >> 20);
        }
        if !self.thresholds.is_empty() {
            let _ = writeln!(out, "\nthresholds");
            for v in &self.thresholds {
                let mark = if v.passed { "ok  " } else { "FAIL" };
                let _ = writeln!(out, "  {mark} {} (was {})", v.threshold, v.actual);
            }
        }
        out
    }
}

/// The process's peak resident set size, from `/proc/self/status` (Linux only).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
