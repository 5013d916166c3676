//! Commands on a data directory: `sfn redrive`, `sfn describe`, `sfn history`, `sfn list`.

use crate::api::types::*;
use crate::api::{ApiError, StepFunctions};
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
}

#[derive(Args, Debug)]
pub struct RedriveArgs {
    pub execution_arn: String,
    #[command(flatten)]
    pub dir: DataDir,
    /// Idempotency token (the same token within 15 minutes redrives once).
    #[arg(long)]
    pub client_token: Option<String>,
    /// Wait for the redriven execution to end (without it, the execution continues the
    /// next time a service opens the data directory).
    #[arg(long)]
    pub wait: bool,
    /// Print JSON: RedriveExecution's output, or with --wait DescribeExecution's.
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

pub(super) fn open(dir: &DataDir) -> Result<StepFunctions, String> {
    let sfn = StepFunctions::builder()
        .data_dir(&dir.data_dir)
        .build()
        .map_err(|e| format!("cannot open {}: {e}", dir.data_dir.display()))?;
    for e in sfn.store_errors() {
        eprintln!("warning: {e}");
    }
    Ok(sfn)
}

pub(super) fn api(e: ApiError) -> String {
    format!("{}: {}", e.name(), e.message())
}

pub(super) fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string(v).expect("serialisable"));
}

/// Exit codes: 0 done (or SUCCEEDED with --wait), 1 the redrive was refused or the
/// redriven execution did not succeed, 2 bad usage or an unreadable data directory.
pub fn redrive(a: RedriveArgs) -> i32 {
    let sfn = match open(&a.dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sfn redrive: {e}");
            return 2;
        }
    };
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
    if !a.wait {
        if a.json {
            print_json(&out);
        }
        return 0;
    }
    let d = loop {
        let d = match sfn.describe_execution(ExecutionArnInput {
            execution_arn: a.execution_arn.clone(),
        }) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("sfn redrive: {}", api(e));
                return 1;
            }
        };
        if d.status != "RUNNING" && d.status != "PENDING_REDRIVE" {
            break d;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    super::print_outcome(&d, a.json)
}

pub fn describe(a: ArnArgs) -> i32 {
    let result = open(&a.dir).and_then(|sfn| {
        sfn.describe_execution(ExecutionArnInput {
            execution_arn: a.execution_arn.clone(),
        })
        .map_err(api)
    });
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
    let result = open(&a.dir).and_then(|sfn| {
        let mut events = Vec::new();
        let mut token = None;
        loop {
            let page = sfn
                .get_execution_history(GetExecutionHistoryInput {
                    execution_arn: a.execution_arn.clone(),
                    max_results: Some(1000),
                    reverse_order: false,
                    next_token: token,
                })
                .map_err(api)?;
            events.extend(page.events);
            match page.next_token {
                Some(t) => token = Some(t),
                None => break Ok(events),
            }
        }
    });
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
    let result = open(&a.dir).and_then(|sfn| {
        let machines = sfn
            .list_state_machines(PageInput {
                max_results: Some(1000),
                next_token: None,
            })
            .map_err(api)?;
        let mut all: Vec<Value> = Vec::new();
        for m in machines
            .state_machines
            .iter()
            .filter(|m| m.r#type == "STANDARD")
        {
            let mut token = None;
            loop {
                let page = sfn
                    .list_executions(ListExecutionsInput {
                        state_machine_arn: Some(m.state_machine_arn.clone()),
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
    });
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
