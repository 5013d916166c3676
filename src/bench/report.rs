//! What `sfn bench` reports: a table on the terminal, `--out report.json` (its shape is
//! documented in the README, and a test holds it), and a static HTML page with a
//! latency-percentile plot.

use super::settings::Settings;
use super::workloads::Workload;
use crate::metrics::{percentile_curve, Kind, LatencySummary, Metrics};
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
    /// (percentile, µs) points per kind, for the plot.
    #[serde(skip)]
    pub curves: BTreeMap<&'static str, Vec<(f64, f64)>>,
}

impl PhaseReport {
    /// Summarises a phase that took `wall`, from its counts and what `metrics` recorded.
    pub fn new(name: &str, wall: Duration, executions: Counts, metrics: &Metrics) -> Self {
        let secs = wall.as_secs_f64().max(1e-9);
        let mut latency = BTreeMap::new();
        let mut curves = BTreeMap::new();
        for kind in Kind::ALL {
            let h = metrics.snapshot(kind);
            latency.insert(kind.name(), LatencySummary::of(&h));
            curves.insert(kind.name(), percentile_curve(&h));
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
            curves,
        }
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

/// The whole report, as `--out` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The workload's name, or the definition file it was read from.
    pub workload: String,
    /// STANDARD or EXPRESS.
    pub machine_type: String,
    /// `closed-loop` or `fixed-rate`.
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
            mode: if s.rate.is_some() {
                "fixed-rate"
            } else {
                "closed-loop"
            },
            coordinated_omission_corrected: s.rate.is_some(),
            settings: s.clone(),
            phases,
            peak_rss_bytes,
            endpoint: None,
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
        out
    }

    /// A static page: the settings, the table, and per phase a plot of latency against
    /// percentile (both on log scales, as HdrHistogram plots them), drawn as inline SVG.
    pub fn html(&self) -> String {
        let mut out = String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>sfn bench</title>\n\
             <style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}\
             svg{background:#fff;border:1px solid #ccc}</style></head><body>\n",
        );
        let _ = writeln!(out, "<h1>sfn bench: {}</h1>", escape(&self.workload));
        let _ = writeln!(out, "<pre>{}</pre>", escape(&self.table()));
        for p in &self.phases {
            let _ = writeln!(out, "<h2>{}: latency by percentile</h2>", escape(&p.name));
            out.push_str(&plot(&p.curves));
        }
        out.push_str("</body></html>\n");
        out
    }
}

const COLORS: [(&str, &str); 4] = [
    ("execution", "#1f77b4"),
    ("transition", "#2ca02c"),
    ("task", "#d62728"),
    ("map_item", "#9467bd"),
];

/// An SVG plot: x is the percentile as `log10(1 / (1 - p))` (0 at the median's left edge,
/// 1 at 90%, 2 at 99%, ...), y is log10 of the latency in µs.
fn plot(curves: &BTreeMap<&'static str, Vec<(f64, f64)>>) -> String {
    let (w, h, m) = (720.0, 360.0, 50.0);
    let x_of = |pct: f64| {
        let q = (pct / 100.0).min(0.999_999);
        (1.0 / (1.0 - q)).log10()
    };
    let points: Vec<(f64, f64)> = curves
        .values()
        .flatten()
        .map(|&(p, us)| (x_of(p), us.max(0.001).log10()))
        .collect();
    if points.is_empty() {
        return "<p>no latencies recorded</p>\n".into();
    }
    let x_max = points.iter().map(|p| p.0).fold(1.0_f64, f64::max).ceil();
    let y_min = points.iter().map(|p| p.1).fold(f64::MAX, f64::min).floor();
    let y_max = points
        .iter()
        .map(|p| p.1)
        .fold(f64::MIN, f64::max)
        .ceil()
        .max(y_min + 1.0);
    let sx = |x: f64| m + x / x_max * (w - 2.0 * m);
    let sy = |y: f64| h - m - (y - y_min) / (y_max - y_min) * (h - 2.0 * m);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n"
    );
    for decade in 0..=(x_max as i32) {
        let x = sx(f64::from(decade));
        let label = match decade {
            0 => "0%".to_string(),
            d => format!("{}%", 100.0 - 100.0 / 10f64.powi(d)),
        };
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>",
            m,
            h - m,
            h - m + 16.0
        );
    }
    for e in (y_min as i32)..=(y_max as i32) {
        let y = sy(f64::from(e));
        let _ = writeln!(
            s,
            "<line x1=\"{m}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{} µs</text>",
            w - m,
            m - 4.0,
            y + 4.0,
            10f64.powi(e)
        );
    }
    for (i, (name, color)) in COLORS.iter().enumerate() {
        let Some(curve) = curves.get(name).filter(|c| !c.is_empty()) else {
            continue;
        };
        let path: Vec<String> = curve
            .iter()
            .map(|&(p, us)| format!("{:.1},{:.1}", sx(x_of(p)), sy(us.max(0.001).log10())))
            .collect();
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{color}\">{name}</text>",
            path.join(" "),
            m + 10.0,
            m + 14.0 * (i as f64 + 1.0)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The process's peak resident set size, from `/proc/self/status` (Linux only).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
