//! Distributed Map over 1M JSONL items read from the object store (a directory), EXPRESS
//! child executions of three Pass states, MaxConcurrency 10,000, ResultWriter on: the cost
//! of a child execution per item, the reader and the result files. The 10M run and the
//! redrive are `benches/distributed_map.sh` (see benches/README.md).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;
use sfn_runtime::api::types::{CreateStateMachineInput, StartExecutionInput};
use sfn_runtime::api::StepFunctions;

/// As the `sfn` binary does: glibc's allocator fragments under many small JSON values.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ITEMS: u64 = 1_000_000;

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
    let root = std::env::temp_dir().join(format!("sfn-bench-distributed-{}", std::process::id()));
    std::fs::create_dir_all(root.join("items")).expect("a temporary directory");
    std::fs::write(root.join("items/all.jsonl"), lines).expect("items written");
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .objects_dir(&root)
        .build()
        .expect("runtime starts");
    let arn = sfn
        .create_state_machine(CreateStateMachineInput {
            name: "Distributed".into(),
            definition: definition(),
            role_arn: "arn:aws:iam::123456789012:role/bench".into(),
            r#type: None,
            ..Default::default()
        })
        .expect("valid definition")
        .state_machine_arn;
    let mut g = c.benchmark_group("distributed_map");
    g.throughput(Throughput::Elements(ITEMS));
    g.sample_size(10);
    g.bench_function("1m_jsonl_express_3_pass_result_writer", |b| {
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
    drop(sfn);
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group!(benches, bench);
criterion_main!(benches);
