//! A chain of 100 Pass states: the interpreter's and the actor's per-state overhead, in
//! JSONPath and in JSONata.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::json;

mod common;

fn chain(n: usize) -> String {
    sfn_runtime::bench::workloads::pass_chain(n).to_string()
}

fn bench(c: &mut Criterion) {
    let sfn = common::service();
    let def = chain(100);
    let input = json!({"order": {"id": "o-1", "items": [1, 2, 3]}}).to_string();
    let mut g = c.benchmark_group("pass_chain_100");
    for ty in ["EXPRESS", "STANDARD"] {
        let arn = common::create(&sfn, &format!("chain-{ty}"), &def, ty);
        g.throughput(Throughput::Elements(100));
        g.bench_with_input(BenchmarkId::new("one_execution", ty), &arn, |b, arn| {
            b.iter(|| common::run_n(&sfn, arn, &input, 1))
        });
        g.throughput(Throughput::Elements(100 * 1000));
        g.bench_with_input(BenchmarkId::new("1000_concurrent", ty), &arn, |b, arn| {
            b.iter(|| common::run_n(&sfn, arn, &input, 1000))
        });
    }
    // The same chain in JSONata: copying fields (answered without the evaluator) and
    // computing one per state (through it).
    for (name, evaluated) in [("jsonata_lookup", false), ("jsonata_expression", true)] {
        let def = sfn_runtime::bench::workloads::pass_chain_jsonata(100, evaluated).to_string();
        let arn = common::create(&sfn, &format!("chain-{name}"), &def, "EXPRESS");
        g.throughput(Throughput::Elements(100));
        g.bench_with_input(BenchmarkId::new(name, "EXPRESS"), &arn, |b, arn| {
            b.iter(|| common::run_n(&sfn, arn, &input, 1))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
