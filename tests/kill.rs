//! The kill tests: a child process runs a 100,000-item inline Map, or a Distributed Map
//! with a ResultWriter, with the durable store and is killed with SIGKILL at random
//! moments; each restart continues the execution, which finally ends with the right
//! output, no iteration whose completion was recorded is ever invoked again, and (for the
//! Distributed Map) every item is in the result files exactly once.
//!
//! The child process is this test binary again, started with `SFN_KILL_WORKER` set: it
//! then plays the worker (see [`worker`]) instead of the test. Only the test process makes
//! (and so removes) the temporary folders; a worker gets their paths in `SFN_KILL_WORKER`
//! and `SFN_KILL_LOG` as plain paths and removes nothing.
//!
//! The Distributed Map campaign is short in the suite; `SFN_KILL_ITEMS`, `SFN_KILL_KILLS`
//! and `SFN_KILL_MAX_WAIT_MS` make it long (the campaign: 1,000,000 items, 100
//! kills).

mod common;

use common::temp_dir;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::TaskRequest;
use sfn_runtime::store::{entries_to_state, DiskStore};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ITEMS: usize = 100_000;
const TRIALS: usize = 4;
const KILLS_PER_TRIAL: usize = 5;

/// The iterations the store records as completed in the latest run of the execution's
/// fan-out.
fn recorded_completions(dir: &Path) -> HashSet<u32> {
    let loaded = DiskStore::open_read_only(dir).load();
    let mut done = HashSet::new();
    for ex in loaded.executions {
        let state = entries_to_state(&ex.entries);
        for f in state.fanouts.values() {
            done.extend(f.completed.keys().copied());
        }
    }
    done
}

/// The child process: opens the data directory, starts the execution if it is not there
/// yet, and runs until it ends. Every invocation of the item task is appended to the
/// invocation log, and one of an iteration already recorded as completed is appended as a
/// violation.
fn worker(dir: PathBuf, log: PathBuf, distributed: bool) {
    let recorded = Arc::new(recorded_completions(&dir));
    let out = Arc::new(Mutex::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("invocation log"),
    ));
    let (rec, o) = (Arc::clone(&recorded), Arc::clone(&out));
    let sfn = StepFunctions::builder()
        .data_dir(&dir)
        .payload_limit(64 << 20)
        // 100,000 inline iterations make far more events than AWS's 25,000.
        .history_limit(usize::MAX)
        .handler("arn:aws:states:::item", move |r: TaskRequest| {
            let n = r.parameters["n"].as_u64().unwrap_or(u64::MAX);
            let line = if rec.contains(&(n as u32)) {
                format!("VIOLATION {n}\n")
            } else {
                format!("{n}\n")
            };
            // Written before answering: the log never misses an invocation.
            o.lock().unwrap().write_all(line.as_bytes()).unwrap();
            async move { Ok(json!(n * 2)) }
        })
        .build()
        .expect("service");
    let arn = "arn:aws:states:us-east-1:123456789012:execution:Big:run";
    if sfn
        .describe_execution(ExecutionArnInput {
            execution_arn: arn.into(),
        })
        .is_err()
    {
        let def = if distributed {
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1000,
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket": "inputs", "Key": "items.json"}},
                "ItemSelector": {"n.$": "$$.Map.Item.Value"},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "T", "States": {
                    "T": {"Type": "Task", "Resource": "arn:aws:states:::item", "End": true}}},
                "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": "results", "Prefix": "out"}},
                "End": true}}})
        } else {
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 100,
                "ItemSelector": {"n.$": "$$.Map.Item.Value"},
                "ItemProcessor": {"StartAt": "T", "States": {
                    "T": {"Type": "Task", "Resource": "arn:aws:states:::item", "End": true}}},
                "ResultSelector": {"count.$": "States.ArrayLength($)", "last.$": "$[-1:]"},
                "End": true}}})
        };
        sfn.create_state_machine(CreateStateMachineInput {
            name: "Big".into(),
            definition: def.to_string(),
            role_arn: "arn:aws:iam::123456789012:role/kill".into(),
            r#type: None,
            ..Default::default()
        })
        .expect("state machine");
        let input = if distributed {
            "{}".to_string()
        } else {
            json!((0..ITEMS).collect::<Vec<_>>()).to_string()
        };
        sfn.start_execution(StartExecutionInput {
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Big".into(),
            name: Some("run".into()),
            input: Some(input),
            trace_header: None,
        })
        .expect("start");
    }
    loop {
        let d = sfn
            .describe_execution(ExecutionArnInput {
                execution_arn: arn.into(),
            })
            .expect("describe");
        if d.status != "RUNNING" {
            println!("{}", json!({"status": d.status, "output": d.output}));
            std::process::exit(0);
        }
        // Each poll serialises the 100k-item input: keep polls rare.
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn spawn_worker(test: &str, dir: &Path, log: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads", "1"])
        .env("SFN_KILL_WORKER", dir)
        .env("SFN_KILL_LOG", log)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("worker starts")
}

/// Runs the worker if this process is one (of the test `test`); says whether it was.
fn play_worker(distributed: bool) -> bool {
    match (
        std::env::var_os("SFN_KILL_WORKER"),
        std::env::var_os("SFN_KILL_LOG"),
    ) {
        (Some(dir), Some(log)) => {
            worker(dir.into(), log.into(), distributed);
            true
        }
        _ => false,
    }
}

/// Starts workers on `dir` and kills each with SIGKILL after a random wait, `kills` times
/// (the first wait short, so that the worker is certainly still running), then lets one
/// run to its end and returns its result. Only a kill of a worker still running counts.
fn campaign(
    test: &str,
    dir: &Path,
    log: &Path,
    kills: usize,
    rng: &mut impl Rng,
    waits_ms: std::ops::Range<u64>,
) -> (Value, usize) {
    let mut live_kills = 0;
    for i in 0..kills {
        let mut child = spawn_worker(test, &dir.join("data"), log);
        let wait = Duration::from_millis(if i == 0 {
            rng.gen_range(20..waits_ms.start.max(21))
        } else {
            rng.gen_range(waits_ms.clone())
        });
        let started = Instant::now();
        while started.elapsed() < wait {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        // SIGKILL: no chance to flush or clean up.
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            live_kills += 1;
        }
        let _ = child.wait();
    }
    let child = spawn_worker(test, &dir.join("data"), log);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the last run failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.find("{\"status\"").map(|i| &l[i..]))
        .unwrap_or_else(|| panic!("no result in {text:?}"));
    (serde_json::from_str(line).unwrap(), live_kills)
}

/// The invocations the workers logged: each item invoked, and no recorded one again.
fn check_invocations(log: &Path, items: usize, what: &str) {
    let invocations = std::fs::read_to_string(log).unwrap();
    let violations: Vec<&str> = invocations
        .lines()
        .filter(|l| l.starts_with("VIOLATION"))
        .collect();
    assert!(
        violations.is_empty(),
        "{what}: recorded iterations ran again: {:?}",
        &violations[..violations.len().min(10)]
    );
    let invoked: HashSet<u64> = invocations.lines().filter_map(|l| l.parse().ok()).collect();
    assert_eq!(invoked.len(), items, "{what}: every item ran");
}

#[test]
fn kill_and_restart() {
    if play_worker(false) {
        return;
    }
    let seed: u64 = rand::thread_rng().gen();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut kills = 0;
    for trial in 0..TRIALS {
        // Removed at the end of each trial: a trial's data directory is large.
        let dir = temp_dir(&format!("kill-trial-{trial}"));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("invocations.log");
        let (result, live) = campaign(
            "kill_and_restart",
            &dir,
            &log,
            KILLS_PER_TRIAL,
            &mut rng,
            50..1500,
        );
        kills += live;
        let what = format!("trial {trial} (seed {seed})");
        assert_eq!(result["status"], "SUCCEEDED", "{what}");
        let output: Value = serde_json::from_str(result["output"].as_str().unwrap()).unwrap();
        assert_eq!(
            output,
            json!({"count": ITEMS, "last": [(ITEMS as u64 - 1) * 2]}),
            "{what}"
        );
        check_invocations(&log, ITEMS, &what);
    }
    // At least the first, short-waited kill of each trial hit a running worker.
    assert!(kills >= TRIALS, "{kills} kills of a running worker");
    eprintln!("kill_and_restart: {kills} kills of a running worker (seed {seed})");
}

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every item in the SUCCEEDED result files of the Map Run, exactly once.
fn items_in_results(objects: &Path, manifest_key: &str) -> Vec<u64> {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(objects.join("results").join(manifest_key)).unwrap())
            .unwrap();
    let mut items = Vec::new();
    for file in manifest["ResultFiles"]["SUCCEEDED"].as_array().unwrap() {
        let path = objects.join("results").join(file["Key"].as_str().unwrap());
        let results: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        for r in results.as_array().unwrap() {
            let input: Value = serde_json::from_str(r["Input"].as_str().unwrap()).unwrap();
            items.push(input["n"].as_u64().unwrap());
        }
    }
    items
}

#[test]
fn kill_a_distributed_map_with_a_result_writer() {
    if play_worker(true) {
        return;
    }
    let items = knob("SFN_KILL_ITEMS", 50_000);
    let kills = knob("SFN_KILL_KILLS", 8);
    let max_wait = knob("SFN_KILL_MAX_WAIT_MS", 250) as u64;
    let seed: u64 = rand::thread_rng().gen();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = temp_dir("kill-dm");
    let objects = dir.join("data/objects");
    std::fs::create_dir_all(objects.join("inputs")).unwrap();
    std::fs::write(
        objects.join("inputs/items.json"),
        json!((0..items).collect::<Vec<_>>()).to_string(),
    )
    .unwrap();
    let log = dir.join("invocations.log");
    let started = Instant::now();
    let (result, live) = campaign(
        "kill_a_distributed_map_with_a_result_writer",
        &dir,
        &log,
        kills,
        &mut rng,
        30..max_wait,
    );
    let what = format!("{items} items, {live} kills (seed {seed})");
    assert_eq!(result["status"], "SUCCEEDED", "{what}: {result}");
    let output: Value = serde_json::from_str(result["output"].as_str().unwrap()).unwrap();
    let mut found = items_in_results(
        &objects,
        output["ResultWriterDetails"]["Key"].as_str().unwrap(),
    );
    assert_eq!(found.len(), items, "{what}: items in the result files");
    found.sort_unstable();
    found.dedup();
    assert_eq!(
        found.len(),
        items,
        "{what}: an item repeated in the result files"
    );
    check_invocations(&log, items, &what);
    assert!(live >= 1, "{what}");
    eprintln!(
        "kill_a_distributed_map_with_a_result_writer: {what}, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
