//! The Distributed Map workload of the benches: N JSONL items (default 1,000,000;
//! `distributed_map N`) read from the object store, EXPRESS child executions of three
//! states, MaxConcurrency 10,000, ResultWriter on. Prints the wall time from
//! StartExecution to the end, and items/s.
//!
//! - Objects live in a fresh directory under the system's temporary one, removed at the
//!   end (`--objects-dir DIR` to choose it and keep it).
//! - `--no-writer`: without a ResultWriter.
//! - `--redrive`: the middle state is a Task that fails for the last 1% of the items; the
//!   run tolerates 0.5%, so it fails near its end. The failing stops, the execution is
//!   redriven, and both times are printed with their ratio.

use serde_json::{json, Value};
use sfn_runtime::api::types::{
    CreateStateMachineInput, RedriveExecutionInput, StartExecutionInput,
};
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::{TaskFailure, TaskRequest};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// As the `sfn` binary does: glibc's allocator fragments under many small JSON values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ITEM_TASK: &str = "arn:aws:states:::bench:item";

fn definition(writer: bool, redrive: bool) -> Value {
    let middle = if redrive {
        json!({"Type": "Task", "Resource": ITEM_TASK, "Next": "C"})
    } else {
        json!({"Type": "Pass", "Parameters": {"id.$": "$.id", "seen": true}, "Next": "C"})
    };
    let mut def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "MaxConcurrency": 10000,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSONL"},
            "Parameters": {"Bucket": "items", "Key": "all.jsonl"}},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "A", "States": {
                "A": {"Type": "Pass", "Next": "B"},
                "B": middle,
                "C": {"Type": "Pass", "End": true}}},
        "End": true}}});
    if writer {
        def["States"]["M"]["ResultWriter"] = json!({"Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "results", "Prefix": "run"}});
    }
    if redrive {
        def["States"]["M"]["ToleratedFailurePercentage"] = json!(0.5);
    }
    def
}

fn write_items(root: &std::path::Path, n: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("items"))?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(root.join("items/all.jsonl"))?);
    for i in 0..n {
        writeln!(f, "{{\"id\":{i}}}")?;
    }
    f.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let flag = |f: &str| args.iter().any(|a| a == f);
    let (writer, redrive) = (!flag("--no-writer"), flag("--redrive"));
    let chosen = args
        .iter()
        .position(|a| a == "--objects-dir")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let root = chosen.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("sfn-distributed-{}", std::process::id()))
    });
    write_items(&root, n)?;

    let failing = Arc::new(AtomicBool::new(true));
    let fail_from = n - n / 100;
    let task_failing = Arc::clone(&failing);
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .objects_dir(&root)
        .handler(ITEM_TASK, move |r: TaskRequest| {
            let id = r.parameters["id"].as_u64().unwrap_or(0);
            let fail = id >= fail_from && task_failing.load(Ordering::Relaxed);
            async move {
                if fail {
                    Err(TaskFailure::new("Item.Failed", "fails until the redrive"))
                } else {
                    Ok(json!({"id": id, "seen": true}))
                }
            }
        })
        .build()?;
    let sm = sfn.create_state_machine(CreateStateMachineInput {
        name: "Distributed".into(),
        definition: definition(writer, redrive).to_string(),
        role_arn: "arn:aws:iam::123456789012:role/bench".into(),
        r#type: None,
        ..Default::default()
    })?;
    let t = Instant::now();
    let r = sfn.start(StartExecutionInput {
        state_machine_arn: sm.state_machine_arn,
        ..Default::default()
    })?;
    r.wait_blocking();
    let first = t.elapsed().as_secs_f64();
    println!(
        "{n} items: {first:.2} s, {:.0} items/s, status {}",
        n as f64 / first,
        r.status().as_str()
    );
    if redrive {
        failing.store(false, Ordering::Relaxed);
        let t = Instant::now();
        sfn.redrive_execution(RedriveExecutionInput {
            execution_arn: r.execution_arn.to_string(),
            client_token: None,
        })?;
        r.wait_blocking();
        let again = t.elapsed().as_secs_f64();
        println!(
            "redrive: {again:.2} s, status {}, {:.1}% of the first run",
            r.status().as_str(),
            100.0 * again / first
        );
    }
    drop(sfn);
    if chosen.is_none() {
        let _ = std::fs::remove_dir_all(&root);
    }
    Ok(())
}
