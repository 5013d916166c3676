//! Runs the fuzz targets for a given time and reports inputs and findings per target.
//!
//! ```sh
//! cargo run --release --example fuzz -- [SECONDS_PER_TARGET] [TARGET]
//! ```
//!
//! Findings (inputs that made a target panic) are written to `target/fuzz-findings/`; a
//! stack overflow ends the process, and the input being tried is in
//! `target/fuzz-findings/last-<target>.bin`.

#[path = "../tests/fuzzing/mod.rs"]
mod fuzzing;

use fuzzing::{run_one, Corpus, Mutator, TARGETS};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seconds: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(10);
    let only = args.get(1).cloned();
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    std::fs::create_dir_all(&out).expect("the findings folder");
    let work = std::env::temp_dir().join(format!("sfn-fuzz-{}", std::process::id()));
    let corpus = Corpus::load(&work);
    // Panics are counted, not printed.
    std::panic::set_hook(Box::new(|_| {}));
    let seed: u64 = rand::random();
    println!("seed {seed}; {seconds} s per target");
    println!("{:<18} {:>10} {:>9}", "target", "inputs", "findings");
    for (i, target) in TARGETS.iter().enumerate() {
        if only.as_deref().is_some_and(|o| o != *target) {
            continue;
        }
        let mut m = Mutator::new(seed.wrapping_add(i as u64));
        let (mut inputs, mut findings) = (0u64, 0u64);
        let started = Instant::now();
        let last = out.join(format!("last-{target}.bin"));
        let mut keep_last = |input: &[u8]| {
            // Kept before it runs: an input that overflows the stack ends the process.
            let _ = std::fs::write(&last, input);
        };
        while started.elapsed() < Duration::from_secs(seconds) {
            inputs += 1;
            if let Err((message, input)) = run_one(target, &corpus, &mut m, &mut keep_last) {
                findings += 1;
                let file = out.join(format!("{target}-{findings}.bin"));
                let _ = std::fs::write(&file, &input);
                eprintln!("{target}: {message} ({})", file.display());
            }
        }
        let _ = std::fs::remove_file(&last);
        println!("{target:<18} {inputs:>10} {findings:>9}");
    }
    let _ = std::fs::remove_dir_all(&work);
}
