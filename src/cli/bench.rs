//! `sfn bench WORKLOAD`: the load generator (see [`crate::bench`]) with a progress bar, the
//! table at the end, and the JSON and HTML reports.

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
    /// Executions open at once.
    #[arg(long, default_value_t = 1000)]
    pub concurrency: usize,
    /// Start this many executions per second (fixed-rate mode; latencies are timed from
    /// the schedule, correcting for coordinated omission).
    #[arg(long)]
    pub rate: Option<f64>,
    /// Stop starting executions after this long (e.g. 30s, 2m, 500ms).
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Items per Map (inline-map: per execution; distributed-map and redrive: in all).
    #[arg(long)]
    pub items: Option<u64>,
    /// The fraction of items that fail their first attempt (redrive).
    #[arg(long, default_value_t = 0.01)]
    pub fail_rate: f64,
    /// Seed of every random choice (which items fail, sleep draws).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Arbiter threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub workers: usize,
    /// The input of each execution, for a definition file.
    #[arg(long, default_value = "{}")]
    pub input: String,
    /// STANDARD or EXPRESS, for a definition file.
    #[arg(long = "type", default_value = "EXPRESS")]
    pub machine_type: String,
    /// Write the report as JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write a static HTML page with the latency-percentile plot to this file.
    #[arg(long)]
    pub html: Option<PathBuf>,
}

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
    let workload = match workloads::named(&a.workload, items, a.fail_rate) {
        Some(w) => w,
        None => {
            let input = match serde_json::from_str(&a.input) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("sfn bench: --input is not JSON: {e}");
                    return 2;
                }
            };
            let text = match std::fs::read_to_string(&a.workload) {
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
            match workloads::from_definition(&a.workload, &text, input, &a.machine_type) {
                Ok(w) => w,
                Err(e) => {
                    eprintln!("sfn bench: {e}");
                    return 2;
                }
            }
        }
    };
    let settings = Settings {
        executions: a.executions,
        concurrency: a.concurrency,
        rate: a.rate,
        duration: a.duration,
        items,
        fail_rate: a.fail_rate,
        seed: a.seed,
        workers: a.workers,
    };
    let total = match (a.executions, a.duration) {
        (Some(n), _) => n,
        (None, Some(_)) => 0,
        (None, None) => workload.default_executions,
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
    let report = match bench::run(&workload, &settings, progress) {
        Ok(r) => r,
        Err(e) => {
            bar.abandon();
            eprintln!("sfn bench: {e}");
            return 1;
        }
    };
    bar.finish_and_clear();
    print!("{}", report.table());
    for (path, text) in [(&a.out, report.to_json()), (&a.html, report.html())] {
        if let Some(p) = path {
            if let Err(e) = std::fs::write(p, text) {
                eprintln!("sfn bench: cannot write {}: {e}", p.display());
                return 1;
            }
        }
    }
    0
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
    }
}
