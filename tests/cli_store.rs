//! The `sfn` commands on a data directory, as separate processes: readers change nothing,
//! one process at a time runs executions, a crashed execution is finished by `sfn resume`,
//! and a record that could not be kept is said.

mod common;

use common::{cli, cli_spawn, eventually, temp_dir, TempDir};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the bundled order example's test case `case` as execution `name`, kept in `data`.
fn run_order(case: &str, name: &str, data: &str) -> Output {
    cli(&[
        "run",
        "examples/order/order.asl.json",
        "--input",
        "@examples/order/input.json",
        "--mock-config",
        "examples/order/mocks.json",
        "--virtual-time",
        "--test-case",
        case,
        "--name",
        name,
        "--data-dir",
        data,
    ])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh folder for the test `name`, made; removed when dropped.
fn temp(name: &str) -> TempDir {
    let d = temp_dir(&format!("cli-store-{name}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).unwrap();
    p.to_string_lossy().into_owned()
}

const ARN: &str = "arn:aws:states:us-east-1:123456789012:execution";

/// Every file of `dir` and the SHA-256 of its contents (links by their target).
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    fn walk(d: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                out.insert(e.path(), "dir".into());
                walk(&e.path(), out);
            } else if t.is_file() {
                let bytes = std::fs::read(e.path()).unwrap();
                out.insert(e.path(), format!("{:x}", Sha256::digest(bytes)));
            } else {
                out.insert(e.path(), "other".into());
            }
        }
    }
    walk(dir, &mut out);
    out
}

fn cut_log(data: &Path, machine: &str, name: &str, bytes: u64) {
    let log = data
        .join("executions")
        .join(machine)
        .join(name)
        .join("log.rkyv");
    let len = std::fs::metadata(&log).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&log).unwrap();
    f.set_len(len - bytes).unwrap();
}

/// The case: a FAILED execution whose log lost its last 37 bytes reads as RUNNING;
/// `list`, `describe`, `history`, `map-runs` and `describe-map-run` leave every file of the
/// directory as it was (they used to continue it, append to it, and flip it to SUCCEEDED).
#[test]
fn read_only_commands_change_no_file_of_the_data_directory() {
    let dir = temp("read-only");
    let data = dir.join("D");
    let d = data.to_str().unwrap();
    let o = run_order("Declined", "declined", d);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let map = write(
        &dir,
        "dm.json",
        &serde_json::json!({"StartAt": "M", "States": {"M": {"Type": "Map",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "End": true}}}),
    );
    let o = cli(&[
        "run",
        &map,
        "--input",
        "[1,2,3]",
        "--name",
        "dm",
        "--data-dir",
        d,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    cut_log(&data, "order", "declined", 37);
    let declined = format!("{ARN}:order:declined");
    let dm = format!("{ARN}:dm:dm");
    let o = cli(&["map-runs", &dm, "--data-dir", d, "--json"]);
    let runs: Value = serde_json::from_slice(&o.stdout).unwrap();
    let run = runs["mapRuns"][0]["mapRunArn"]
        .as_str()
        .unwrap()
        .to_string();
    let before = hashes(&data);
    for args in [
        vec!["list", "--data-dir", d],
        vec!["list", "--data-dir", d, "--json"],
        vec!["describe", &declined, "--data-dir", d, "--json"],
        vec!["history", &declined, "--data-dir", d],
        vec!["map-runs", &dm, "--data-dir", d],
        vec!["describe-map-run", &run, "--data-dir", d],
    ] {
        let o = cli(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(hashes(&data), before, "{args:?} changed the data directory");
    }
    let o = cli(&["describe", &declined, "--data-dir", d, "--json"]);
    let desc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(desc["status"], "RUNNING");
    // A reader of a directory that does not exist creates nothing.
    let none = dir.join("none");
    let o = cli(&["list", "--data-dir", none.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!none.exists());
    // `sfn resume` finishes it; ids stay consecutive.
    let o = cli(&["resume", &declined, "--data-dir", d, "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let desc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(desc["status"], "FAILED");
    assert_eq!(desc["error"], "Card.Declined");
    let o = cli(&["history", &declined, "--data-dir", d, "--json"]);
    let events: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<u64> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    // Nothing left to resume.
    let o = cli(&["resume", &declined, "--data-dir", d]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ValidationException"), "{}", stderr(&o));
}

/// Two processes never run executions from one directory: the second is refused at once,
/// naming the directory and the first one's pid; once the first is killed, the next one
/// runs, and `sfn resume` finishes the killed one's execution.
#[test]
fn one_process_at_a_time_runs_executions_from_a_data_directory() {
    let dir = temp("lock");
    let data = dir.join("D");
    let d = data.to_str().unwrap();
    let quick = write(
        &dir,
        "quick.json",
        &serde_json::json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    );
    // Slow on real time: an hour, so it is certainly running when it is killed.
    let hour = write(
        &dir,
        "hour.json",
        &serde_json::json!({"StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
            "P": {"Type": "Pass", "Result": "slept", "End": true}}}),
    );
    let mut first = cli_spawn(&["run", &hour, "--name", "first", "--data-dir", d]);
    let pid = first.id();
    eventually("the first run holds the lock", || {
        std::fs::read_to_string(data.join("lock"))
            .is_ok_and(|t| t.trim() == pid.to_string())
            .then_some(())
    });
    for args in [
        vec!["run", &quick, "--data-dir", d],
        vec![
            "resume",
            "arn:aws:states:us-east-1:123456789012:execution:hour:first",
            "--data-dir",
            d,
        ],
        vec![
            "redrive",
            "arn:aws:states:us-east-1:123456789012:execution:hour:first",
            "--data-dir",
            d,
        ],
    ] {
        let started = Instant::now();
        let o = cli(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains(d) && e.contains(&pid.to_string()),
            "{args:?}: {e}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    // Readers work beside it.
    let o = cli(&["list", "--data-dir", d]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("RUNNING"));
    first.kill().unwrap();
    first.wait().unwrap();
    let o = cli(&["run", &quick, "--data-dir", d]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The killed execution waits for `sfn resume`; `run` did not continue it.
    let o = cli(&[
        "describe",
        &format!("{ARN}:hour:first"),
        "--data-dir",
        d,
        "--json",
    ]);
    let desc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(desc["status"], "RUNNING");
    // Resumed on virtual time, its hour passes at once.
    let o = cli(&[
        "resume",
        &format!("{ARN}:hour:first"),
        "--data-dir",
        d,
        "--virtual-time",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "\"slept\"");
}

/// `sfn history ... | head` ends quietly when the pipe closes.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    let dir = temp("pipe");
    let data = dir.join("D");
    let d = data.to_str().unwrap();
    let o = run_order("HappyPath", "happy", d);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut child = Command::new(env!("CARGO_BIN_EXE_sfn"))
        .args(["history", &format!("{ARN}:order:happy"), "--data-dir", d])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before anything is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!e.contains("panicked") && !e.contains("Broken pipe"), "{e}");
    assert_ne!(out.status.code(), Some(101));
}

/// On a full disk (a 256 KiB tmpfs, mounted in a user namespace of its own) a run whose
/// record could not be kept says so and exits 2, though its output was printed.
#[test]
fn a_run_whose_record_could_not_be_kept_exits_two() {
    let probe = Command::new("unshare")
        .args(["-Urm", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: this machine cannot mount a tmpfs in a user namespace");
        return;
    }
    let dir = temp("full");
    let mnt = dir.join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let big = "x".repeat(60_000);
    let def = write(
        &dir,
        "big.json",
        &serde_json::json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Parameters": {"a.$": "$.s", "b.$": "$.s"}, "Next": "B"},
            "B": {"Type": "Pass", "Parameters": {"a.$": "$.a", "b.$": "$.b", "c.$": "$.a"}, "Next": "C"},
            "C": {"Type": "Pass", "End": true}}}),
    );
    let input = write(&dir, "input.json", &serde_json::json!({ "s": big }));
    let script = format!(
        "mount -t tmpfs -o size=256k none '{m}' && exec '{sfn}' run '{def}' --input '@{input}' --data-dir '{m}/D'",
        m = mnt.display(),
        sfn = env!("CARGO_BIN_EXE_sfn"),
    );
    let o = Command::new("unshare")
        .args(["-Urm", "sh", "-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("No space left on device"), "{e}");
}

/// A run started with `--objects-dir O` and killed is resumed against O (recorded with the
/// execution), not against the data directory's own objects folder; what the killed
/// process left half-written there is discarded.
#[test]
fn a_resumed_execution_reads_and_writes_the_objects_directory_it_started_with() {
    let dir = temp("objects");
    let data = dir.join("D");
    let objects = dir.join("O");
    std::fs::create_dir_all(objects.join("inputs")).unwrap();
    std::fs::write(objects.join("inputs/items.json"), "[1, 2, 3]").unwrap();
    let d = data.to_str().unwrap();
    let def = write(
        &dir,
        "dm.json",
        &serde_json::json!({"StartAt": "M", "States": {"M": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSON"},
                "Parameters": {"Bucket": "inputs", "Key": "items.json"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                "Parameters": {"Bucket": "results", "Prefix": "out"}},
            "End": true}}}),
    );
    let mut first = cli_spawn(&[
        "run",
        &def,
        "--name",
        "dm",
        "--data-dir",
        d,
        "--objects-dir",
        objects.to_str().unwrap(),
    ]);
    let arn = format!("{ARN}:dm:dm");
    let run_arn = eventually("the Map Run started", || {
        let o = cli(&["map-runs", &arn, "--data-dir", d, "--json"]);
        let runs: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
        runs["mapRuns"][0]["mapRunArn"].as_str().map(str::to_string)
    });
    first.kill().unwrap();
    first.wait().unwrap();
    let run_folder = objects
        .join("results/out")
        .join(run_arn.rsplit(':').next().unwrap());
    std::fs::create_dir_all(&run_folder).unwrap();
    std::fs::write(run_folder.join(".dead.sfn-writing"), "half").unwrap();
    let o = cli(&["resume", &arn, "--data-dir", d, "--virtual-time", "--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{} {}",
        stderr(&o),
        String::from_utf8_lossy(&o.stdout)
    );
    let desc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let output: Value = serde_json::from_str(desc["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["ResultWriterDetails"]["Bucket"], "results");
    assert_eq!(
        output["ResultWriterDetails"]["Key"],
        format!("out/{}/manifest.json", run_arn.rsplit(':').next().unwrap()),
        "the same Map Run went on"
    );
    assert!(run_folder.join("manifest.json").is_file());
    assert!(!data.join("objects/results").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&run_folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sfn-writing"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Commands that need a data directory do not make one, and one that is not a directory is
/// an unusable data directory (exit 2).
#[test]
fn a_missing_or_unusable_data_directory_is_exit_two_and_is_not_created() {
    let dir = temp("unusable");
    let missing = dir.join("typo");
    let m = missing.to_str().unwrap();
    let arn = format!("{ARN}:x:y");
    for args in [
        vec!["redrive", arn.as_str(), "--data-dir", m],
        vec!["resume", arn.as_str(), "--data-dir", m],
        vec![
            "update-map-run",
            "arn:aws:states:us-east-1:123456789012:mapRun:x/M:1",
            "--data-dir",
            m,
        ],
    ] {
        let o = cli(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!missing.exists(), "{args:?} created the data directory");
    }
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec!["list", "--data-dir", f],
        vec!["describe", arn.as_str(), "--data-dir", f],
        vec!["history", arn.as_str(), "--data-dir", f],
    ] {
        let o = cli(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

/// A name already taken is the API's refusal (exit 1), as a refused redrive is.
#[test]
fn running_a_taken_name_again_is_refused_with_exit_one() {
    let dir = temp("taken");
    let data = dir.join("D");
    let d = data.to_str().unwrap();
    assert_eq!(run_order("HappyPath", "once", d).status.code(), Some(0));
    let o = run_order("Declined", "once", d);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ExecutionAlreadyExists"),
        "{}",
        stderr(&o)
    );
}
