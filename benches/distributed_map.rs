//! Distributed Map over 100k JSONL items read from the (in-memory) object store, EXPRESS
//! child executions of three Pass states, MaxConcurrency 10,000, ResultWriter on: the cost
//! of a child execution per item, the reader and the result files. The 1M and 10M runs
//! are the `distributed_map` example (see benches/README.md).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;
use sfn_runtime::api::types::{CreateStateMachineInput, StartExecutionInput};
use sfn_runtime::api::StepFunctions;

/// As the `sfn` binary does: glibc's allocator fragments under many small JSON values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ITEMS: u64 = 100_000;

fn definition() -> String {
    json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 10000,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSONL"},
            "Parameters": {"Bucket": "items", "Key": "all.jsonl"}},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "A", "States": {
                "A": {"Type": "Pass", "Next": "B"},
                "B": {"Type": "Pass", "Parameters": {"id.$": "$.id", "seen": true}, "Next": "C"},
                "C": {"Type": "Pass", "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "results", "Prefix": "run"}},
        "End": true}}})
    .to_string()
}

fn bench(c: &mut Criterion) {
    let lines: String = (0..ITEMS).map(|i| format!("{{\"id\":{i}}}\n")).collect();
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .object("items", "all.jsonl", lines)
        .build()
        .expect("runtime starts");
    let arn = sfn
        .create_state_machine(CreateStateMachineInput {
            name: "Distributed".into(),
            definition: definition(),
            role_arn: "arn:aws:iam::123456789012:role/bench".into(),
            r#type: None,
        })
        .expect("valid definition")
        .state_machine_arn;
    let mut g = c.benchmark_group("distributed_map");
    g.throughput(Throughput::Elements(ITEMS));
    g.sample_size(10);
    g.bench_function("100k_jsonl_express_3_pass_result_writer", |b| {
        b.iter(|| {
            let r = sfn
                .start(StartExecutionInput {
                    state_machine_arn: arn.clone(),
                    ..Default::default()
                })
                .expect("starts");
            r.wait_blocking();
            assert_eq!(r.status().as_str(), "SUCCEEDED");
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
