//! A Distributed Map over N JSONL items (default 1,000,000; `distributed_map N`) read from
//! the object store, EXPRESS child executions of three Pass states, MaxConcurrency 10,000,
//! ResultWriter on (`--no-writer`: off): prints the wall time from StartExecution to the end and items/s.

use serde_json::json;
use sfn_runtime::api::types::{CreateStateMachineInput, StartExecutionInput};
use sfn_runtime::api::StepFunctions;
use std::time::Instant;

/// As the `sfn` binary does: glibc's allocator fragments under many small JSON values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut lines = String::with_capacity(n as usize * 16);
    for i in 0..n {
        lines.push_str(&format!("{{\"id\":{i}}}\n"));
    }
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .object("items", "all.jsonl", lines)
        .build()?;
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "MaxConcurrency": 10000,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSONL"},
            "Parameters": {"Bucket": "items", "Key": "all.jsonl"}},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "A", "States": {
                "A": {"Type": "Pass", "Next": "B"},
                "B": {"Type": "Pass", "Parameters": {"id.$": "$.id", "seen": true}, "Next": "C"},
                "C": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let mut def = def;
    if !std::env::args().any(|a| a == "--no-writer") {
        def["States"]["M"]["ResultWriter"] = json!({"Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "results", "Prefix": "run"}});
    }
    let sm = sfn.create_state_machine(CreateStateMachineInput {
        name: "Distributed".into(),
        definition: def.to_string(),
        role_arn: "arn:aws:iam::123456789012:role/bench".into(),
        r#type: None,
    })?;
    let t = Instant::now();
    let r = sfn.start(StartExecutionInput {
        state_machine_arn: sm.state_machine_arn,
        ..Default::default()
    })?;
    r.wait_blocking();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} items: {secs:.2} s, {:.0} items/s, status {}",
        n as f64 / secs,
        r.status().as_str()
    );
    Ok(())
}
