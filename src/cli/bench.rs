//! `sfn bench WORKLOAD`: the load generator (see [`crate::bench`]) with a progress bar, the
//! table at the end, and the JSON and HTML reports.

use crate::bench::schedule::Schedule;
use crate::bench::thresholds::{Threshold, THRESHOLDS_FAILED};
use crate::bench::{self, workloads, Settings};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// A named workload (pass-chain, inline-map, distributed-map, parallel, redrive) or a
    /// definition file (ASL JSON).
    pub workload: String,
    /// Executions to run (default: the workload's own, or unlimited with --duration).
    #[arg(long)]
    pub executions: Option<u64>,
    /// Executions open at once (1 to 1,000,000; default 1,000). With --endpoint, the
    /// client connections, each running one execution at a time (1 to 1,024; default 16).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_CONCURRENCY))]
    pub concurrency: Option<u64>,
    /// Start this many executions per second (fixed-rate mode; latencies are timed from
    /// the schedule, correcting for coordinated omission). From 0.001 to 10,000,000. With
    /// --ramp, rates in stages: 100:5000 moves from 100/s to 5,000/s, 0:500:500:0 ramps
    /// up, holds and ramps down.
    #[arg(long)]
    pub rate: Option<String>,
    /// How long each change of --rate takes (60s), or one duration per stage (30s,2m,30s).
    /// Without --duration or --executions the run ends with the last stage; with them it
    /// holds the last rate.
    #[arg(long, value_delimiter = ',', value_parser = parse_duration)]
    pub ramp: Option<Vec<Duration>>,
    /// A criterion the run must meet, or `sfn bench` exits 99 (repeatable):
    /// `execution.p99<50ms` (KIND.STAT with KIND execution, transition, task, map_item or
    /// request and STAT p50, p90, p99, p99.9, max or avg), `failed<0.1%`, `failed<=3`,
    /// `throughput>=1000`.
    #[arg(long = "threshold")]
    pub thresholds: Vec<String>,
    /// Write each latency's percentile distribution in HdrHistogram's .hgrm form to this
    /// directory (PHASE-KIND.hgrm, values in milliseconds).
    #[arg(long)]
    pub hgrm: Option<PathBuf>,
    /// Stop starting executions after this long (e.g. 30s, 2m, 500ms).
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Items per Map (inline-map: per execution; distributed-map and redrive: in all), up
    /// to 100,000,000; Pass states for pass-chain (up to 10,000).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=MAX_ITEMS))]
    pub items: Option<u64>,
    /// The fraction of items that fail their first attempt (redrive).
    #[arg(long, default_value_t = 0.01)]
    pub fail_rate: f64,
    /// Seed of every random choice (which items fail, sleep draws).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Arbiter threads (0: one per core; at most 1,024).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=MAX_WORKERS))]
    pub workers: u64,
    /// The input of each execution, for a definition file.
    #[arg(long, default_value = "{}")]
    pub input: String,
    /// STANDARD or EXPRESS: a definition file's type (default EXPRESS), or another type for
    /// pass-chain, inline-map or parallel.
    #[arg(long = "type", value_parser = ["STANDARD", "EXPRESS"])]
    pub machine_type: Option<String>,
    /// Drive the workload over HTTP against this Step Functions endpoint (`sfn serve`,
    /// Step Functions Local, LocalStack: an http:// URL speaking AWS JSON 1.0) instead of
    /// an embedded runtime.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// With --endpoint: the IAM role the run's state machine is created with (AWS checks
    /// it; default arn:aws:iam::123456789012:role/sfn-bench).
    #[arg(long)]
    pub role_arn: Option<String>,
    /// Write the report as JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write a static HTML page with the latency-percentile plot to this file.
    #[arg(long)]
    pub html: Option<PathBuf>,
}

/// Bounds of the arguments: each a usage error past it, rather than an allocation or a
/// clock computation that cannot succeed.
const MAX_CONCURRENCY: u64 = 1_000_000;
const MAX_ITEMS: u64 = 100_000_000;
const MAX_WORKERS: u64 = 1024;
/// A longer chain would pass the 1 MB AWS allows a definition.
const MAX_CHAIN: u64 = 10_000;
/// Connections a run against an endpoint opens when not told.
const DEFAULT_CONNECTIONS: u64 = 16;
const DEFAULT_CONCURRENCY: u64 = 1000;
/// 30 days.
const MAX_DURATION_SECS: f64 = 30.0 * 86_400.0;

fn parse_duration(s: &str) -> Result<Duration, String> {
    let (number, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (e.g. 30s, 2m, 500ms)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("'{s}': the unit must be ms, s, m or h")),
    };
    if !(secs.is_finite() && secs > 0.0) {
        return Err(format!("'{s}' must be a positive duration"));
    }
    if secs > MAX_DURATION_SECS {
        return Err(format!("'{s}' is longer than 30 days"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Runs the command; returns the exit code (0 done, 1 the run failed, 2 bad arguments).
pub fn command(a: BenchArgs) -> i32 {
    if !(0.0..=1.0).contains(&a.fail_rate) {
        eprintln!("sfn bench: --fail-rate must be from 0 to 1");
        return 2;
    }
    let default_items = match a.workload.as_str() {
        "inline-map" => 10,
        "distributed-map" | "redrive" => 100_000,
        _ => 100,
    };
    let items = a.items.unwrap_or(default_items);
    if a.workload == "pass-chain" && !(1..=MAX_CHAIN).contains(&items) {
        eprintln!("sfn bench: pass-chain takes 1 to {MAX_CHAIN} --items (its Pass states)");
        return 2;
    }
    let workload = match workloads::named(&a.workload, items, a.fail_rate) {
        Some(mut w) => {
            if let Some(t) = &a.machine_type {
                if w.machine_type != *t && !workloads::TYPE_FREE.contains(&a.workload.as_str()) {
                    eprintln!(
                        "sfn bench: the {} workload is {}; --type can change only {}",
                        a.workload,
                        w.machine_type,
                        workloads::TYPE_FREE.join(", ")
                    );
                    return 2;
                }
                w.machine_type.clone_from(t);
            }
            w
        }
        None => {
            let input = match serde_json::from_str(&a.input) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("sfn bench: --input is not JSON: {e}");
                    return 2;
                }
            };
            let text = match super::read_limited(
                std::path::Path::new(&a.workload),
                super::DEFINITION_LIMIT,
                "a definition",
            ) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "sfn bench: '{}' is neither a workload ({}) nor a readable file: {e}",
                        a.workload,
                        workloads::NAMES.join(", ")
                    );
                    return 2;
                }
            };
            let machine_type = a.machine_type.as_deref().unwrap_or("EXPRESS");
            match workloads::from_definition(&a.workload, &text, input, machine_type) {
                Ok(w) => w,
                Err(e) => {
                    eprintln!("sfn bench: {e}");
                    return 2;
                }
            }
        }
    };
    let concurrency = a.concurrency.unwrap_or(if a.endpoint.is_some() {
        DEFAULT_CONNECTIONS
    } else {
        DEFAULT_CONCURRENCY
    });
    if let Some(url) = &a.endpoint {
        if let Err(e) = bench::remote::check(url, &workload, concurrency as usize) {
            eprintln!("sfn bench: {e}");
            return 2;
        }
    }
    let schedule = match a
        .rate
        .as_deref()
        .map(|r| Schedule::parse(r, a.ramp.as_deref()))
    {
        None if a.ramp.is_some() => {
            eprintln!("sfn bench: --ramp needs --rate FROM:TO");
            return 2;
        }
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            eprintln!("sfn bench: {e}");
            return 2;
        }
    };
    let thresholds = match a
        .thresholds
        .iter()
        .map(|t| t.parse::<Threshold>())
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sfn bench: {e}");
            return 2;
        }
    };
    let settings = Settings {
        executions: a.executions,
        concurrency: concurrency as usize,
        rate: schedule.as_ref().map(|s| s.from_rate),
        stages: schedule.map(|s| s.stages).unwrap_or_default(),
        duration: a.duration,
        items,
        fail_rate: a.fail_rate,
        seed: a.seed,
        workers: a.workers as usize,
        role_arn: a.role_arn.clone(),
    };
    // A run of a set duration has no total to show.
    let total = match (
        a.duration,
        settings.executions_to_start(workload.default_executions),
    ) {
        (Some(_), u64::MAX) => 0,
        (_, n) => n,
    };
    let bar = if total > 0 {
        ProgressBar::new(total)
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} executions ({msg}) {per_sec} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let shown = bar.clone();
    let progress: bench::Progress = Arc::new(move |done, failed| {
        shown.set_position(done);
        if failed > 0 {
            shown.set_message(format!("{failed} failed"));
        }
    });
    let report = match &a.endpoint {
        Some(url) => bench::remote::run(url, &workload, &settings, progress),
        None => bench::run(&workload, &settings, progress),
    };
    let mut report = match report {
        Ok(r) => r,
        Err(e) => {
            bar.abandon();
            eprintln!("sfn bench: {e}");
            return 1;
        }
    };
    bar.finish_and_clear();
    if let Some(run) = report.phases.first() {
        report.thresholds = thresholds.iter().map(|t| t.judge(run)).collect();
    }
    print!("{}", report.table());
    for (path, text) in [(&a.out, report.to_json()), (&a.html, report.html())] {
        if let Some(p) = path {
            if let Err(e) = std::fs::write(p, text) {
                eprintln!("sfn bench: cannot write {}: {e}", p.display());
                return 1;
            }
        }
    }
    if let Some(dir) = &a.hgrm {
        if let Err(e) = write_hgrm(dir, &report) {
            eprintln!("sfn bench: cannot write {}: {e}", dir.display());
            return 1;
        }
    }
    if report.thresholds.iter().any(|v| !v.passed) {
        return THRESHOLDS_FAILED;
    }
    0
}

/// One `.hgrm` file per phase and latency kind that recorded anything.
fn write_hgrm(dir: &std::path::Path, report: &bench::Report) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for p in &report.phases {
        for (kind, h) in p.histograms.iter().filter(|(_, h)| !h.is_empty()) {
            let text = bench::hgrm::percentile_distribution(h);
            std::fs::write(dir.join(format!("{}-{kind}.hgrm", p.name)), text)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1.5").unwrap(), Duration::from_millis(1500));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("3 days").is_err());
        assert!(parse_duration("1e30s").is_err());
    }
}
