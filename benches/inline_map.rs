//! Inline Map over 100k items with a 3-Pass-state item processor, MaxConcurrency 0: the
//! cost of child actors, the parent's result table, and the per-item states.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;

mod common;

pub fn definition() -> String {
    json!({
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
    })
    .to_string()
}

fn bench(c: &mut Criterion) {
    let sfn = common::service();
    let arn = common::create(&sfn, "inline-map", &definition(), "EXPRESS");
    let n = 100_000;
    let items: Vec<_> = (0..n).map(|i| json!({"id": i, "v": i * 2})).collect();
    let input = serde_json::Value::Array(items).to_string();
    let mut g = c.benchmark_group("inline_map");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10);
    g.bench_function("100k_items_3_pass", |b| {
        b.iter(|| common::run_n(&sfn, &arn, &input, 1))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
