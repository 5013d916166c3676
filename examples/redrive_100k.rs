//! One 100,000-item Inline Map whose last 1% fail once, then its redrive; prints both wall
//! times and their ratio.

use serde_json::json;
use sfn_runtime::api::types::{
    CreateStateMachineInput, RedriveExecutionInput, StartExecutionInput,
};
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::{TaskFailure, TaskRequest};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = 100_000;
    let failing = Arc::new(AtomicBool::new(true));
    let f = Arc::clone(&failing);
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .payload_limit(64 << 20)
        .history_limit(usize::MAX)
        .handler("arn:aws:states:::item", move |r: TaskRequest| {
            let i = r.parameters["n"].as_u64().unwrap_or(0);
            let fail = i >= n - n / 100 && f.load(Ordering::Relaxed);
            async move {
                if fail {
                    Err(TaskFailure::new("Item.Failed", "once"))
                } else {
                    Ok(json!(i))
                }
            }
        })
        .build()?;
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 0,
        "ItemSelector": {"n.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::item", "End": true}}},
        "ResultSelector": {"count.$": "States.ArrayLength($)"},
        "End": true}}});
    let sm = sfn.create_state_machine(CreateStateMachineInput {
        name: "Items".into(),
        definition: def.to_string(),
        role_arn: "arn:aws:iam::123456789012:role/bench".into(),
        r#type: None,
        ..Default::default()
    })?;
    let input = json!((0..n).collect::<Vec<_>>()).to_string();
    let t = Instant::now();
    let r = sfn.start(StartExecutionInput {
        state_machine_arn: sm.state_machine_arn,
        input: Some(input),
        ..Default::default()
    })?;
    r.wait_blocking();
    let first = t.elapsed().as_secs_f64();
    failing.store(false, Ordering::Relaxed);
    let t = Instant::now();
    sfn.redrive_execution(RedriveExecutionInput {
        execution_arn: r.execution_arn.to_string(),
        client_token: None,
    })?;
    r.wait_blocking();
    let redrive = t.elapsed().as_secs_f64();
    println!(
        "first run {first:.3} s (FAILED), redrive {redrive:.3} s ({}), ratio {:.3}",
        r.status().as_str(),
        redrive / first
    );
    Ok(())
}
