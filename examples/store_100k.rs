//! The durable store's overhead: a STANDARD 100,000-item Inline Map run in memory, then
//! with a data directory, five times each, interleaved; prints the median wall times, their
//! ratio and the size of one log. `store_100k memory` or `store_100k durable` runs only one
//! kind (for profiling).

use serde_json::json;
use sfn_runtime::api::types::{CreateStateMachineInput, StartExecutionInput};
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::TaskRequest;
use std::path::Path;
use std::time::Instant;

const ITEMS: u64 = 100_000;

fn run_once(data_dir: Option<&Path>, input: &str) -> Result<f64, Box<dyn std::error::Error>> {
    let mut b = StepFunctions::builder()
        .virtual_clock()
        .payload_limit(64 << 20)
        .history_limit(usize::MAX)
        .handler("arn:aws:states:::item", |r: TaskRequest| {
            let n = r.parameters["n"].as_u64().unwrap_or(0);
            async move { Ok(json!(n)) }
        });
    if let Some(d) = data_dir {
        b = b.data_dir(d);
    }
    let sfn = b.build()?;
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
    let t = Instant::now();
    let r = sfn.start(StartExecutionInput {
        state_machine_arn: sm.state_machine_arn,
        input: Some(input.into()),
        ..Default::default()
    })?;
    r.wait_blocking();
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(r.status().as_str(), "SUCCEEDED");
    Ok(secs)
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn median(v: &mut [f64]) -> Option<f64> {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let only = std::env::args().nth(1);
    let (with_memory, with_disk) = match only.as_deref() {
        Some("memory") => (true, false),
        Some("durable") => (false, true),
        _ => (true, true),
    };
    let input = json!((0..ITEMS).collect::<Vec<_>>()).to_string();
    let dir = std::env::temp_dir().join(format!("sfn-store-example-{}", std::process::id()));
    let (mut memory, mut durable) = (Vec::new(), Vec::new());
    for trial in 0..5 {
        if with_memory {
            memory.push(run_once(None, &input)?);
        }
        if with_disk {
            let d = dir.join(trial.to_string());
            durable.push(run_once(Some(&d), &input)?);
            if trial == 0 {
                println!("log size: {:.1} MB", dir_size(&d) as f64 / 1e6);
            }
            let _ = std::fs::remove_dir_all(&d);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (m, d) = (median(&mut memory), median(&mut durable));
    if let Some(m) = m {
        println!("in memory {:.0} ms", m * 1e3);
    }
    if let Some(d) = d {
        println!("durable {:.0} ms", d * 1e3);
    }
    if let (Some(m), Some(d)) = (m, d) {
        println!("ratio {:.2}", d / m);
    }
    Ok(())
}
