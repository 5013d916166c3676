//! The fuzz targets (see `fuzzing/mod.rs`), a bounded number of inputs each with a fixed
//! seed, so that CI replays the same inputs every time; `examples/fuzz.rs` runs them for
//! longer with fresh seeds. Each input that ever made a target panic is replayed first.

mod common;
mod fuzzing;

use common::temp_dir;
use fuzzing::{exercise, run_one, Corpus, Mutator, TARGETS};

/// Inputs per target in the suite.
const ITERATIONS: usize = 1500;

/// Inputs the fuzzer found that used to panic (kept as regression tests).
const FOUND: &[(&str, &str)] = &[];

#[test]
fn every_target_survives_its_mutated_inputs() {
    let work = temp_dir("fuzz");
    let corpus = Corpus::load(&work);
    assert!(
        corpus.definitions.len() > 100,
        "the conformance definitions seed the fuzzer"
    );
    assert!(!corpus.store_files.is_empty());
    for (target, input) in FOUND {
        exercise(target, input.as_bytes(), &corpus, 0);
    }
    let mut findings = Vec::new();
    for (i, target) in TARGETS.iter().enumerate() {
        let iterations = if *target == "store-reader" {
            ITERATIONS / 5
        } else {
            ITERATIONS
        };
        let mut m = Mutator::new(0x5eed + i as u64);
        for _ in 0..iterations {
            if let Err((message, input)) = run_one(target, &corpus, &mut m, &mut |_| {}) {
                findings.push(format!(
                    "{target}: {message}\n  input: {}",
                    String::from_utf8_lossy(&input[..input.len().min(400)])
                ));
            }
        }
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}
