//! Pass states whose Parameters are heavy with intrinsic functions.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;

mod common;

fn definition() -> String {
    let params = json!({
        "formatted.$": "States.Format('order {} for {} has {} items', $.id, $.customer.name, States.ArrayLength($.items))",
        "hash.$": "States.Hash(States.JsonToString($.customer), 'SHA-256')",
        "range.$": "States.ArrayRange(1, 50, 1)",
        "parts.$": "States.ArrayPartition($.items, 2)",
        "merged.$": "States.JsonMerge($.customer, $.extra, false)",
        "encoded.$": "States.Base64Encode($.customer.name)",
        "unique.$": "States.ArrayUnique($.items)",
        "sum.$": "States.MathAdd($.a, $.b)",
        "split.$": "States.StringSplit($.csv, ',')",
        "uuid.$": "States.UUID()"
    });
    let mut states = serde_json::Map::new();
    for i in 0..10 {
        let mut s = json!({"Type": "Pass", "Parameters": params, "ResultPath": "$.out"});
        if i == 9 {
            s["End"] = json!(true);
        } else {
            s["Next"] = json!(format!("S{}", i + 1));
        }
        states.insert(format!("S{i}"), s);
    }
    json!({"StartAt": "S0", "States": states}).to_string()
}

fn bench(c: &mut Criterion) {
    let sfn = common::service();
    let arn = common::create(&sfn, "intrinsics", &definition(), "EXPRESS");
    let input = json!({
        "id": "o-1", "customer": {"name": "Ada Lovelace", "tier": "gold"},
        "extra": {"tier": "platinum", "since": 2020},
        "items": [1, 2, 3, 2, 1, 4, 5, 6], "a": 10, "b": 32, "csv": "a,b,c,d,e"
    })
    .to_string();
    let mut g = c.benchmark_group("intrinsics");
    g.throughput(Throughput::Elements(10));
    g.bench_function("10_pass_states_x_10_intrinsics", |b| {
        b.iter(|| common::run_n(&sfn, &arn, &input, 1))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
