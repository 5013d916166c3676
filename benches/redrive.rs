//! Redrive cost and store overhead on a 100,000-item Inline Map (STANDARD: only STANDARD
//! executions are redrivable and stored):
//! - `first_run` vs `redrive`: the last 1% of the items fail once, so the first run fails
//!   after 99% succeeded; the redrive reruns only the unsuccessful iterations.
//! - `in_memory` vs `durable`: the same Map, all items succeeding, without and with a data
//!   directory.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::json;
use sfn_runtime::api::types::{
    CreateStateMachineInput, RedriveExecutionInput, StartExecutionInput,
};
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::{TaskFailure, TaskRequest};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const ITEMS: u64 = 100_000;
const FAILING_FROM: u64 = ITEMS - ITEMS / 100;

fn definition() -> String {
    json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 0,
        "ItemSelector": {"n.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::item", "End": true}}},
        "ResultSelector": {"count.$": "States.ArrayLength($)"},
        "End": true}}})
    .to_string()
}

/// A service whose item task fails for the last 1% of the items while `failing` is set
/// (the first run); the redrive clears it.
fn service(failing: Arc<AtomicBool>, data_dir: Option<&std::path::Path>) -> StepFunctions {
    let mut b = StepFunctions::builder()
        .virtual_clock()
        .payload_limit(64 << 20)
        // 100k iterations write ~700k events: far past AWS's 25,000 (which would make the
        // execution unredrivable), so the bench raises the limit.
        .history_limit(usize::MAX)
        .handler("arn:aws:states:::item", move |r: TaskRequest| {
            let n = r.parameters["n"].as_u64().unwrap_or(0);
            let fail = n >= FAILING_FROM && failing.load(Ordering::Relaxed);
            async move {
                if fail {
                    Err(TaskFailure::new("Item.Failed", "once"))
                } else {
                    Ok(json!(n))
                }
            }
        });
    if let Some(d) = data_dir {
        b = b.data_dir(d);
    }
    let sfn = b.build().expect("runtime starts");
    sfn.create_state_machine(CreateStateMachineInput {
        name: "Items".into(),
        definition: definition(),
        role_arn: "arn:aws:iam::123456789012:role/bench".into(),
        r#type: None,
        ..Default::default()
    })
    .expect("valid definition");
    sfn
}

fn input() -> String {
    json!((0..ITEMS).collect::<Vec<_>>()).to_string()
}

fn run(sfn: &StepFunctions, input: &str) -> Arc<sfn_runtime::runtime::ExecutionRecord> {
    let r = sfn
        .start(StartExecutionInput {
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Items".into(),
            input: Some(input.into()),
            ..Default::default()
        })
        .expect("starts");
    r.wait_blocking();
    r
}

fn bench(c: &mut Criterion) {
    let input = input();
    let mut g = c.benchmark_group("redrive_100k");
    g.sample_size(10);
    g.bench_function("first_run", |b| {
        b.iter_batched(
            || service(Arc::new(AtomicBool::new(true)), None),
            |sfn| {
                assert_eq!(run(&sfn, &input).status().as_str(), "FAILED");
                // Returned, so that tearing the service down is not timed.
                sfn
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("redrive", |b| {
        b.iter_batched(
            || {
                let failing = Arc::new(AtomicBool::new(true));
                let sfn = service(Arc::clone(&failing), None);
                let r = run(&sfn, &input);
                assert_eq!(r.status().as_str(), "FAILED");
                failing.store(false, Ordering::Relaxed);
                (sfn, r)
            },
            |(sfn, r)| {
                sfn.redrive_execution(RedriveExecutionInput {
                    execution_arn: r.execution_arn.to_string(),
                    client_token: None,
                })
                .expect("redrivable");
                r.wait_blocking();
                assert_eq!(r.status().as_str(), "SUCCEEDED");
                (sfn, r)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("store_100k");
    g.sample_size(10);
    g.bench_function("in_memory", |b| {
        b.iter_batched(
            || service(Arc::new(AtomicBool::new(false)), None),
            |sfn| {
                assert_eq!(run(&sfn, &input).status().as_str(), "SUCCEEDED");
                sfn
            },
            BatchSize::PerIteration,
        )
    });
    let dirs = AtomicUsize::new(0);
    let base = std::env::temp_dir().join(format!("sfn-bench-store-{}", std::process::id()));
    g.bench_function("durable", |b| {
        b.iter_batched(
            || {
                let d = base.join(dirs.fetch_add(1, Ordering::Relaxed).to_string());
                (service(Arc::new(AtomicBool::new(false)), Some(&d)), d)
            },
            |(sfn, d)| {
                assert_eq!(run(&sfn, &input).status().as_str(), "SUCCEEDED");
                (sfn, d)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&base);
}

criterion_group!(benches, bench);
criterion_main!(benches);
