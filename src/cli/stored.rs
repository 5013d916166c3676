//! Commands on a data directory: `sfn redrive`, `sfn resume`, `sfn describe`,
//! `sfn history`, `sfn list`.
//!
//! The commands that only look (`describe`, `history`, `list`, and the Map Run listings)
//! open the directory read-only: they take no lock, write nothing and continue nothing, so
//! they work beside a process that is running executions from it. `redrive` and `resume`
//! take the lock and run the one execution they name to its end.

use crate::api::types::*;
use crate::api::{ApiError, StepFunctions};
use crate::runtime::ExecutionRecord;
use clap::Args;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The data directory the CLI uses when none is given.
pub const DEFAULT_DATA_DIR: &str = ".sfn";

#[derive(Args, Debug, Clone)]
pub struct DataDir {
    /// The data directory holding state machines and executions.
    #[arg(long, default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// Where `s3://bucket/key` objects live (DIR/bucket/key); default: the folder each
    /// execution was started with.
    #[arg(long)]
    pub objects_dir: Option<PathBuf>,
    /// Run on virtual time (for `redrive` and `resume`): Wait states and retry delays
    /// pass at once.
    #[arg(long)]
    pub virtual_time: bool,
}

/// How a command uses the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Reads only: no lock, no writes, nothing continued.
    Read,
    /// Takes the lock; runs only what the command names.
    Write,
}

#[derive(Args, Debug)]
pub struct RedriveArgs {
    pub execution_arn: String,
    #[command(flatten)]
    pub dir: DataDir,
    /// Idempotency token (the same token within 15 minutes redrives once).
    #[arg(long)]
    pub client_token: Option<String>,
    /// Print the redriven execution's outcome (its output, or with --json
    /// DescribeExecution's fields) and exit as `sfn run` does. Either way the execution runs
    /// to its end here: no other process would run it.
    #[arg(long)]
    pub wait: bool,
    /// Print JSON: RedriveExecution's output, or with --wait DescribeExecution's.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ResumeArgs {
    pub execution_arn: String,
    #[command(flatten)]
    pub dir: DataDir,
    /// Accepted for symmetry with `redrive`: `resume` always waits for the end.
    #[arg(long)]
    pub wait: bool,
    /// Print DescribeExecution's fields as one JSON object instead of the output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ArnArgs {
    pub execution_arn: String,
    #[command(flatten)]
    pub dir: DataDir,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub dir: DataDir,
    /// Only executions with this status (RUNNING, SUCCEEDED, FAILED, ...).
    #[arg(long)]
    pub status: Option<String>,
    /// REDRIVEN or NOT_REDRIVEN.
    #[arg(long)]
    pub redrive_filter: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// Opens the data directory for `sfn {command}`; what is wrong is printed, and the exit
/// code (2) returned.
pub(super) fn open(command: &str, dir: &DataDir, access: Access) -> Result<StepFunctions, i32> {
    open_dir(dir, access).map_err(|e| {
        eprintln!("sfn {command}: {e}");
        2
    })
}

fn open_dir(dir: &DataDir, access: Access) -> Result<StepFunctions, String> {
    let d = &dir.data_dir;
    match std::fs::metadata(d) {
        Ok(m) if !m.is_dir() => return Err(format!("{} is not a data directory", d.display())),
        // Only `run` makes a data directory: a mistyped one is not created by a command
        // that then finds nothing in it.
        Err(_) if access == Access::Write => {
            return Err(format!("there is no data directory at {}", d.display()))
        }
        _ => {}
    }
    let mut builder = StepFunctions::builder().data_dir(&dir.data_dir);
    builder = match access {
        Access::Read => builder.read_only(),
        Access::Write => builder.resume_running(false),
    };
    if let Some(objects) = &dir.objects_dir {
        builder = builder.objects_dir(objects);
    }
    if dir.virtual_time {
        builder = builder.virtual_clock();
    }
    let sfn = builder
        .build()
        .map_err(|e| format!("cannot open {}: {e}", dir.data_dir.display()))?;
    for e in sfn.store_errors() {
        eprintln!("warning: {e}");
    }
    Ok(sfn)
}

/// The exit code of `sfn {command}` once an execution it ran ended: `code`, or 2 if not
/// everything of it was recorded (which is said).
pub(crate) fn exit_code(
    command: &str,
    sfn: &StepFunctions,
    record: &ExecutionRecord,
    warnings_before: usize,
    code: i32,
) -> i32 {
    let mut complete = true;
    if let Some(e) = record.journal_error() {
        eprintln!(
            "sfn {command}: the execution ran, but its record in the data directory is incomplete: {e}"
        );
        complete = false;
    }
    for e in sfn.store_errors().into_iter().skip(warnings_before) {
        eprintln!("sfn {command}: not recorded: {e}");
        complete = false;
    }
    if complete {
        code
    } else {
        2
    }
}

pub(super) fn api(e: ApiError) -> String {
    format!("{}: {}", e.name(), e.message())
}

pub(super) fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string(v).expect("serialisable"));
}

/// Exit codes: 0 done (or SUCCEEDED with --wait), 1 the redrive was refused or the
/// redriven execution did not succeed, 2 bad usage, an unusable data directory, or an
/// execution whose record could not be kept.
pub fn redrive(a: RedriveArgs) -> i32 {
    let sfn = match open("redrive", &a.dir, Access::Write) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let warnings = sfn.store_errors().len();
    let out = match sfn.redrive_execution(RedriveExecutionInput {
        execution_arn: a.execution_arn.clone(),
        client_token: a.client_token.clone(),
    }) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("sfn redrive: {}", api(e));
            return 1;
        }
    };
    let record = match sfn.execution(&a.execution_arn) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sfn redrive: {}", api(e));
            return 1;
        }
    };
    super::progress::wait_with_progress(&sfn, &record);
    let code = if a.wait {
        super::print_outcome(&crate::api::describe(&record), a.json)
    } else {
        if a.json {
            print_json(&out);
        }
        0
    };
    exit_code("redrive", &sfn, &record, warnings, code)
}

/// `sfn resume`: continues an execution that was RUNNING when the process running it died.
/// Exit codes as `sfn run`: 0 SUCCEEDED, 1 it did not succeed or could not be resumed, 2
/// an unusable data directory or a record that could not be kept.
pub fn resume(a: ResumeArgs) -> i32 {
    let _ = a.wait;
    let sfn = match open("resume", &a.dir, Access::Write) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let warnings = sfn.store_errors().len();
    let record = match sfn.resume_execution(&a.execution_arn) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sfn resume: {}", api(e));
            return 1;
        }
    };
    super::progress::wait_with_progress(&sfn, &record);
    let code = super::print_outcome(&crate::api::describe(&record), a.json);
    exit_code("resume", &sfn, &record, warnings, code)
}

pub fn describe(a: ArnArgs) -> i32 {
    let sfn = match open("describe", &a.dir, Access::Read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = sfn
        .describe_execution(ExecutionArnInput {
            execution_arn: a.execution_arn.clone(),
        })
        .map_err(api);
    match result {
        Ok(d) if a.json => {
            print_json(&d);
            0
        }
        Ok(d) => {
            println!("{}  {}", d.status, d.execution_arn);
            println!("  input:  {}", d.input);
            if let Some(o) = &d.output {
                println!("  output: {o}");
            }
            if let Some(e) = &d.error {
                println!("  error:  {e}");
            }
            if let Some(c) = &d.cause {
                println!("  cause:  {c}");
            }
            println!(
                "  redrive: {} (count {}){}",
                d.redrive_status,
                d.redrive_count,
                d.redrive_status_reason
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            );
            0
        }
        Err(e) => {
            eprintln!("sfn describe: {e}");
            1
        }
    }
}

pub fn history(a: ArnArgs) -> i32 {
    let sfn = match open("history", &a.dir, Access::Read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = all_events(&sfn, &a.execution_arn);
    match result {
        Ok(events) if a.json => {
            print_json(&json!({ "events": events }));
            0
        }
        Ok(events) => {
            for e in events {
                println!(
                    "{:>6}  {}",
                    e["id"].as_u64().unwrap_or(0),
                    e["type"].as_str().unwrap_or("")
                );
            }
            0
        }
        Err(e) => {
            eprintln!("sfn history: {e}");
            1
        }
    }
}

pub fn list(a: ListArgs) -> i32 {
    let sfn = match open("list", &a.dir, Access::Read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = all_executions(&sfn, &a);
    match result {
        Ok(all) if a.json => {
            print_json(&json!({ "executions": all }));
            0
        }
        Ok(all) => {
            for e in all {
                println!(
                    "{:<15} {:>2}  {}",
                    e["status"].as_str().unwrap_or(""),
                    e["redriveCount"].as_u64().unwrap_or(0),
                    e["executionArn"].as_str().unwrap_or("")
                );
            }
            0
        }
        Err(e) => {
            eprintln!("sfn list: {e}");
            1
        }
    }
}

/// Every event of an execution's history, page after page.
fn all_events(sfn: &StepFunctions, execution_arn: &str) -> Result<Vec<Value>, String> {
    let mut events = Vec::new();
    let mut token = None;
    loop {
        let page = sfn
            .get_execution_history(GetExecutionHistoryInput {
                execution_arn: execution_arn.to_string(),
                max_results: Some(1000),
                reverse_order: false,
                next_token: token,
            })
            .map_err(api)?;
        events.extend(page.events);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return Ok(events),
        }
    }
}

/// Every execution kept that `a` asks for, those of deleted state machines too.
fn all_executions(sfn: &StepFunctions, a: &ListArgs) -> Result<Vec<Value>, String> {
    let mut all: Vec<Value> = Vec::new();
    for machine_arn in sfn.machines_with_executions() {
        let mut token = None;
        loop {
            let page = sfn
                .list_kept_executions(ListExecutionsInput {
                    state_machine_arn: Some(machine_arn.clone()),
                    status_filter: a.status.clone(),
                    redrive_filter: a.redrive_filter.clone(),
                    map_run_arn: None,
                    max_results: Some(1000),
                    next_token: token,
                })
                .map_err(api)?;
            all.extend(
                page.executions
                    .iter()
                    .map(|e| serde_json::to_value(e).expect("serialisable")),
            );
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    Ok(all)
}
