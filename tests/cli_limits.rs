//! Arguments at and past their limits: each is a usage error (exit 2), read or checked
//! before anything large is allocated, never a panic.

mod common;

use common::cli;
use std::time::{Duration, Instant};

fn usage_error(args: &[&str]) -> String {
    let started = Instant::now();
    let o = cli(args);
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
    assert!(!e.contains("panicked"), "{args:?}: {e}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{args:?} took {:?}",
        started.elapsed()
    );
    e
}

#[test]
fn files_that_never_end_are_refused_after_the_limit() {
    let e = usage_error(&[
        "run",
        "examples/order/order.asl.json",
        "--input",
        "@/dev/zero",
    ]);
    assert!(e.contains("larger than the 262144 bytes"), "{e}");
    let e = usage_error(&["validate", "/dev/zero"]);
    assert!(e.contains("larger than the 1048576 bytes"), "{e}");
    let e = usage_error(&["run", "/dev/zero"]);
    assert!(e.contains("larger than"), "{e}");
    usage_error(&["bench", "/dev/zero", "--executions", "1"]);
}

#[test]
fn bench_arguments_past_their_bounds_are_usage_errors() {
    for args in [
        vec!["--duration", "1e30s"],
        vec!["--duration", "99999999999h"],
        vec!["--rate", "1e-300"],
        vec!["--rate", "inf"],
        vec!["--concurrency", "18446744073709551615"],
        vec!["--concurrency", "0"],
        vec!["--items", "18446744073709551615"],
        vec!["--workers", "99999999999"],
        vec!["--items", "0"],
        vec!["--items", "10001"],
        vec!["--type", "PARALLEL"],
        vec!["--endpoint", "ftp://states.us-east-1.amazonaws.com"],
        vec!["--endpoint", "http://127.0.0.1:9", "--concurrency", "2000"],
    ] {
        let mut all = vec!["bench", "pass-chain", "--executions", "1"];
        all.extend(args);
        usage_error(&all);
    }
    let e = usage_error(&["bench", "redrive", "--type", "EXPRESS"]);
    assert!(e.contains("--type can change only"), "{e}");
}
