//! Runs one Inline Map over 100,000 items (3 Pass states per item, MaxConcurrency 0) and
//! prints the wall time and items/s. Used with `/usr/bin/time -v` for peak RSS.

use serde_json::json;
use sfn_runtime::api::types::{CreateStateMachineInput, StartExecutionInput};
use sfn_runtime::api::StepFunctions;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let definition = json!({
        "StartAt": "Fan",
        "States": {"Fan": {
            "Type": "Map", "MaxConcurrency": 0,
            "ItemProcessor": {"StartAt": "A", "States": {
                "A": {"Type": "Pass", "Parameters": {"id.$": "$.id", "v.$": "$.v"}, "Next": "B"},
                "B": {"Type": "Pass", "Result": "seen", "ResultPath": "$.tag", "Next": "C"},
                "C": {"Type": "Pass", "OutputPath": "$.v", "End": true}
            }},
            "End": true
        }}
    });
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .payload_limit(usize::MAX)
        .workers(
            std::env::var("SFN_WORKERS")
                .ok()
                .and_then(|w| w.parse().ok())
                .unwrap_or(0),
        )
        .build()?;
    let sm = sfn.create_state_machine(CreateStateMachineInput {
        name: "InlineMap".into(),
        definition: definition.to_string(),
        role_arn: "arn:aws:iam::123456789012:role/bench".into(),
        r#type: Some("EXPRESS".into()),
        ..Default::default()
    })?;
    let input = serde_json::Value::Array((0..n).map(|i| json!({"id": i, "v": i * 2})).collect())
        .to_string();
    let started = Instant::now();
    let exec = sfn.start(StartExecutionInput {
        state_machine_arn: sm.state_machine_arn,
        input: Some(input),
        ..Default::default()
    })?;
    exec.wait_blocking();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} items: {:.3} s, {:.0} items/s, status {}",
        n,
        secs,
        n as f64 / secs,
        exec.status().as_str()
    );
    Ok(())
}
