//! The `sfn` binary: exit codes, output shapes, diagnostics on stderr.

mod common;

use common::{cli, temp_dir};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Writes `text` to the file `name` of the folder `dir` (made if missing); returns its path.
fn tmp(dir: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const EXAMPLE: [&str; 8] = [
    "run",
    "examples/order/order.asl.json",
    "--input",
    "@examples/order/input.json",
    "--mock-config",
    "examples/order/mocks.json",
    "--virtual-time",
    "--test-case",
];

#[test]
fn run_prints_the_output_and_exits_zero() {
    let mut args = EXAMPLE.to_vec();
    args.push("HappyPath");
    let o = cli(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(out["message"], "Order o-1001 charged 45 (receipt r-77)");
}

#[test]
fn run_json_prints_describe_execution_and_exits_one_on_failure() {
    let mut args = EXAMPLE.to_vec();
    args.extend(["Declined", "--json", "--name", "run-7"]);
    let o = cli(&args);
    assert_eq!(o.status.code(), Some(1));
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["status"], "FAILED");
    assert_eq!(d["error"], "Card.Declined");
    assert_eq!(d["name"], "run-7");
    assert_eq!(
        d["executionArn"],
        "arn:aws:states:us-east-1:123456789012:execution:order:run-7"
    );
    for field in [
        "stateMachineArn",
        "input",
        "cause",
        "startDate",
        "stopDate",
        "redriveCount",
        "redriveStatus",
    ] {
        assert!(d.get(field).is_some(), "missing {field}");
    }
}

#[test]
fn run_rejects_bad_definitions_and_usage_with_exit_two() {
    let dir = temp_dir("cli-usage");
    let bad = tmp(
        &dir,
        "bad.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}"#,
    );
    let o = cli(&["run", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(report["result"], "FAIL");
    assert_eq!(report["diagnostics"][0]["location"], "/States/A");
    let ok = tmp(
        &dir,
        "ok.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#,
    );
    assert_eq!(
        cli(&["run", ok.to_str().unwrap(), "--input", "{nope"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(cli(&["run", "no/such/file.json"]).status.code(), Some(2));
    assert_eq!(cli(&["run"]).status.code(), Some(2));
    assert_eq!(cli(&["frobnicate"]).status.code(), Some(2));
    let o = cli(&["run", ok.to_str().unwrap(), "--name", "has space"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("InvalidName"));
    let mocks = tmp(&dir, "mocks.json", "{}");
    let o = cli(&[
        "run",
        ok.to_str().unwrap(),
        "--mock-config",
        mocks.to_str().unwrap(),
        "--test-case",
        "X",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("mock config"));
}

#[test]
fn validate_prints_the_report() {
    let dir = temp_dir("cli-validate");
    let ok = tmp(
        &dir,
        "v-ok.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    );
    let o = cli(&["validate", ok.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r, serde_json::json!({"result": "OK", "diagnostics": []}));
    let bad = tmp(&dir, "v-bad.json", "{ not json");
    let o = cli(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["diagnostics"][0]["code"], "INVALID_JSON_DESCRIPTION");
    assert_eq!(r["diagnostics"][0]["severity"], "ERROR");
}

#[test]
fn conformance_json_prints_only_json_lines() {
    let dir = temp_dir("cli-conformance");
    std::fs::create_dir_all(&dir).unwrap();
    let case = serde_json::json!({
        "id": "t.pass", "definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}},
        "input": {}, "mocks": {}, "wildcards": [],
        "expected": {"status": "SUCCEEDED", "output": 1, "history_types": ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]},
        "features": ["pass"]
    });
    std::fs::write(dir.join("t.json"), case.to_string()).unwrap();
    let bad = serde_json::json!({
        "id": "t.bad", "definition": {"StartAt": "P"}, "input": {}, "expected": {"status": "SUCCEEDED", "output": 1}, "features": []
    });
    std::fs::write(dir.join("u.json"), bad.to_string()).unwrap();
    let o = cli(&["conformance", dir.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    // Sorted by id: t.bad, then t.pass.
    assert_eq!(lines[0]["status"], "ERROR");
    assert_eq!(lines[1]["status"], "SUCCEEDED");
    assert_eq!(lines[1]["history_types"][1], "PassStateEntered");
    let o = cli(&["conformance", dir.to_str().unwrap()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("FAIL t.bad"));
    assert!(text.trim_end().ends_with("conformance: 1 passed, 1 failed"));
}

#[test]
fn redrive_in_a_new_process_from_the_data_directory() {
    let dir = temp_dir("cli-data");
    let data = dir.join("data");
    let d = data.to_str().unwrap();
    let def = tmp(
        &dir,
        "flaky.asl.json",
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#,
    );
    let mocks = tmp(
        &dir,
        "flaky-mocks.json",
        r#"{"StateMachines": {"flaky": {"TestCases": {"Once": {"T": "FailOnce"}}}},
            "MockedResponses": {"FailOnce": {"0": {"Throw": {"Error": "Boom", "Cause": "first"}}, "1": {"Return": {"ok": true}}}}}"#,
    );
    let o = cli(&[
        "run",
        def.to_str().unwrap(),
        "--mock-config",
        mocks.to_str().unwrap(),
        "--test-case",
        "Once",
        "--data-dir",
        d,
        "--name",
        "r1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let arn = "arn:aws:states:us-east-1:123456789012:execution:flaky:r1";
    let o = cli(&["describe", arn, "--data-dir", d, "--json"]);
    let desc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (desc["status"].as_str(), desc["redriveStatus"].as_str()),
        (Some("FAILED"), Some("REDRIVABLE"))
    );
    let o = cli(&["redrive", arn, "--data-dir", d, "--wait", "--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let desc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(desc["status"], "SUCCEEDED");
    assert_eq!(desc["output"], "{\"ok\":true}");
    assert_eq!(desc["redriveCount"], 1);
    let o = cli(&["history", arn, "--data-dir", d, "--json"]);
    let h: Value = serde_json::from_slice(&o.stdout).unwrap();
    let types: Vec<&str> = h["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types[6], "ExecutionRedriven");
    assert_eq!(*types.last().unwrap(), "ExecutionSucceeded");
    let o = cli(&[
        "list",
        "--data-dir",
        d,
        "--redrive-filter",
        "REDRIVEN",
        "--json",
    ]);
    let l: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(l["executions"].as_array().unwrap().len(), 1);
    let o = cli(&["redrive", arn, "--data-dir", d]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ExecutionNotRedrivable"));
    let o = cli(&["describe", "not-an-arn", "--data-dir", d]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("InvalidArn"));
}

#[test]
fn run_reads_items_from_and_writes_results_to_the_objects_dir() {
    let dir = temp_dir("cli-objects");
    let root = dir.join("objects");
    std::fs::create_dir_all(root.join("items")).unwrap();
    std::fs::write(root.join("items").join("rows.csv"), "id,n\na,1\nb,2\n").unwrap();
    let def = tmp(
        &dir,
        "dm.asl.json",
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map",
          "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                         "ReaderConfig": {"InputType": "CSV"},
                         "Parameters": {"Bucket": "items", "Key": "rows.csv"}},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
             "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
          "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                           "Parameters": {"Bucket": "results", "Prefix": "out"}},
          "End": true}}}"#,
    );
    let o = cli(&[
        "run",
        def.to_str().unwrap(),
        "--objects-dir",
        root.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut outputs = common::written_outputs(&root, &out);
    // Written as the children finish, in no particular order.
    outputs.sort();
    assert_eq!(outputs, [r#"{"id":"a","n":"1"}"#, r#"{"id":"b","n":"2"}"#]);
}

#[test]
fn map_run_commands_read_the_runs_kept_in_the_data_dir() {
    let dir = temp_dir("cli-map-runs");
    let data = dir.join("data");
    let d = data.to_str().unwrap();
    let def = tmp(
        &dir,
        "mapruns.asl.json",
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailureCount": 0,
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
             "StartAt": "C", "States": {
               "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "P"},
               "F": {"Type": "Fail", "Error": "Item.Two"},
               "P": {"Type": "Pass", "End": true}}},
          "End": true}}}"#,
    );
    let o = cli(&[
        "run",
        def.to_str().unwrap(),
        "--input",
        "[1, 2, 3]",
        "--data-dir",
        d,
        "--name",
        "m1",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let execution = "arn:aws:states:us-east-1:123456789012:execution:mapruns:m1";
    let o = cli(&["map-runs", execution, "--data-dir", d, "--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let listed: Value = serde_json::from_slice(&o.stdout).unwrap();
    let runs = listed["mapRuns"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = runs[0]["mapRunArn"].as_str().unwrap();
    assert!(run.contains(":mapRun:mapruns/M:"), "{run}");

    let o = cli(&["describe-map-run", run, "--data-dir", d, "--json"]);
    let desc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(desc["status"], "FAILED");
    assert_eq!(desc["executionArn"], execution);
    assert_eq!(desc["itemCounts"]["total"], 3);
    assert!(desc["itemCounts"]["failed"].as_u64().unwrap() >= 1);
    let o = cli(&["describe-map-run", run, "--data-dir", d]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("FAILED"), "{text}");

    // An ended run cannot be updated, and an update must change something.
    let o = cli(&[
        "update-map-run",
        run,
        "--max-concurrency",
        "5",
        "--data-dir",
        d,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ValidationException"));
    let o = cli(&["update-map-run", run, "--data-dir", d]);
    assert_eq!(o.status.code(), Some(1));
    let o = cli(&["describe-map-run", "not-an-arn", "--data-dir", d]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn bench_prints_the_table_and_writes_both_reports() {
    let dir = temp_dir("cli-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let (json_path, html_path) = (dir.join("report.json"), dir.join("report.html"));
    let out = cli(&[
        "bench",
        "pass-chain",
        "--executions",
        "50",
        "--concurrency",
        "10",
        "--out",
        json_path.to_str().unwrap(),
        "--html",
        html_path.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    for needle in ["p50", "p99.9", "execution", "transition", "transitions/s"] {
        assert!(table.contains(needle), "{needle} in {table}");
    }
    let report: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(report["phases"][0]["executions"]["succeeded"], 50);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<svg") && html.contains("pass-chain"));
    // A definition file is a workload too; a name that is neither is refused.
    let def = tmp(
        &dir,
        "bench-def.json",
        r#"{"StartAt": "E", "States": {"E": {"Type": "Task", "Resource": "arn:aws:states:::sfn-bench:echo", "End": true}}}"#,
    );
    let out = cli(&[
        "bench",
        def.to_str().unwrap(),
        "--executions",
        "20",
        "--input",
        r#"{"a": 1}"#,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("task"));
    let out = cli(&["bench", "no-such-workload"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cli(&["bench", "redrive", "--fail-rate", "2"]);
    assert_eq!(out.status.code(), Some(2));
}
