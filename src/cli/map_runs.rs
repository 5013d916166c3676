//! Map Run commands on a data directory: `sfn map-runs`, `sfn describe-map-run`,
//! `sfn update-map-run` (ListMapRuns, DescribeMapRun, UpdateMapRun).

use super::stored::{api, open, print_json, Access, DataDir};
use crate::api::types::*;
use crate::types::MapRunCounts;
use clap::Args;

#[derive(Args, Debug)]
pub struct ListArgs {
    /// The execution whose Distributed Map states started the runs.
    pub execution_arn: String,
    #[command(flatten)]
    pub dir: DataDir,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DescribeArgs {
    pub map_run_arn: String,
    #[command(flatten)]
    pub dir: DataDir,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    pub map_run_arn: String,
    #[command(flatten)]
    pub dir: DataDir,
    /// How many child executions may run at once (0: up to 10,000).
    #[arg(long)]
    pub max_concurrency: Option<i64>,
    /// The share of failed items (0–100) past which the run fails.
    #[arg(long)]
    pub tolerated_failure_percentage: Option<f64>,
    /// The number of failed items past which the run fails.
    #[arg(long)]
    pub tolerated_failure_count: Option<i64>,
}

/// Exit codes (for the three commands): 0 done, 1 the API refused (its error is printed),
/// 2 an unreadable data directory.
pub fn list(a: ListArgs) -> i32 {
    let sfn = match open("map-runs", &a.dir, Access::Read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match sfn.list_map_runs(ListMapRunsInput {
        execution_arn: a.execution_arn,
        ..Default::default()
    }) {
        Ok(out) if a.json => {
            print_json(&out);
            0
        }
        Ok(out) => {
            for m in out.map_runs {
                let status = sfn
                    .describe_map_run(DescribeMapRunInput {
                        map_run_arn: m.map_run_arn.clone(),
                    })
                    .map(|d| d.status)
                    .unwrap_or_default();
                println!("{status:<10} {}", m.map_run_arn);
            }
            0
        }
        Err(e) => fail("map-runs", api(e), 1),
    }
}

fn counts(c: &MapRunCounts) -> String {
    format!(
        "{} total: {} pending, {} running, {} succeeded, {} failed, {} timed out, {} aborted, {} results written",
        c.total, c.pending, c.running, c.succeeded, c.failed, c.timed_out, c.aborted, c.results_written
    )
}

pub fn describe(a: DescribeArgs) -> i32 {
    let sfn = match open("describe-map-run", &a.dir, Access::Read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match sfn.describe_map_run(DescribeMapRunInput {
        map_run_arn: a.map_run_arn,
    }) {
        Ok(d) if a.json => {
            print_json(&d);
            0
        }
        Ok(d) => {
            println!("{}  {}", d.status, d.map_run_arn);
            println!("  execution:  {}", d.execution_arn);
            println!(
                "  config:     max concurrency {}, tolerated failures {}% / {}",
                d.max_concurrency, d.tolerated_failure_percentage, d.tolerated_failure_count
            );
            println!("  items:      {}", counts(&d.item_counts));
            println!("  executions: {}", counts(&d.execution_counts));
            println!("  redrives:   {}", d.redrive_count);
            0
        }
        Err(e) => fail("describe-map-run", api(e), 1),
    }
}

pub fn update(a: UpdateArgs) -> i32 {
    let sfn = match open("update-map-run", &a.dir, Access::Write) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = sfn.update_map_run(UpdateMapRunInput {
        map_run_arn: a.map_run_arn,
        max_concurrency: a.max_concurrency,
        tolerated_failure_percentage: a.tolerated_failure_percentage,
        tolerated_failure_count: a.tolerated_failure_count,
    });
    for e in sfn.store_errors() {
        eprintln!("warning: {e}");
    }
    match result {
        Ok(()) => 0,
        Err(e) => fail("update-map-run", api(e), 1),
    }
}

fn fail(command: &str, e: String, code: i32) -> i32 {
    eprintln!("sfn {command}: {e}");
    code
}
