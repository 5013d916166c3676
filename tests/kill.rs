//! The kill test: a child process runs a 100,000-item Map with the durable store and is
//! killed with SIGKILL at random moments; each restart continues the execution, which
//! finally ends with the right output, and no iteration whose completion was recorded is
//! ever invoked again.
//!
//! The child process is this test binary again, started with `SFN_KILL_WORKER` set: it
//! then plays the worker (see [`worker`]) instead of the test.

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
    let Ok(store) = DiskStore::open(dir) else {
        return HashSet::new();
    };
    let loaded = store.load();
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
fn worker(dir: PathBuf, log: PathBuf) {
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
        let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 100,
            "ItemSelector": {"n.$": "$$.Map.Item.Value"},
            "ItemProcessor": {"StartAt": "T", "States": {
                "T": {"Type": "Task", "Resource": "arn:aws:states:::item", "End": true}}},
            "ResultSelector": {"count.$": "States.ArrayLength($)", "last.$": "$[-1:]"},
            "End": true}}});
        sfn.create_state_machine(CreateStateMachineInput {
            name: "Big".into(),
            definition: def.to_string(),
            role_arn: "arn:aws:iam::123456789012:role/kill".into(),
            r#type: None,
        })
        .expect("state machine");
        let items: Vec<usize> = (0..ITEMS).collect();
        sfn.start_execution(StartExecutionInput {
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Big".into(),
            name: Some("run".into()),
            input: Some(json!(items).to_string()),
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

fn spawn_worker(dir: &Path, log: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "kill_and_restart",
            "--exact",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("SFN_KILL_WORKER", dir)
        .env("SFN_KILL_LOG", log)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("worker starts")
}

#[test]
fn kill_and_restart() {
    if let (Some(dir), Some(log)) = (
        std::env::var_os("SFN_KILL_WORKER"),
        std::env::var_os("SFN_KILL_LOG"),
    ) {
        worker(dir.into(), log.into());
        return;
    }
    let seed: u64 = rand::thread_rng().gen();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let base = std::env::temp_dir().join(format!("sfn-kill-{}", std::process::id()));
    let mut kills = 0;
    for trial in 0..TRIALS {
        let dir = base.join(format!("trial-{trial}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("invocations.log");
        for _ in 0..KILLS_PER_TRIAL {
            let mut child = spawn_worker(&dir.join("data"), &log);
            let wait = Duration::from_millis(rng.gen_range(50..1500));
            let started = Instant::now();
            while started.elapsed() < wait {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            // SIGKILL: no chance to flush or clean up.
            let _ = child.kill();
            let _ = child.wait();
            kills += 1;
        }
        let child = spawn_worker(&dir.join("data"), &log);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "trial {trial} (seed {seed}): the last run failed"
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text
            .lines()
            .find_map(|l| l.find("{\"status\"").map(|i| &l[i..]))
            .unwrap_or_else(|| panic!("trial {trial} (seed {seed}): no result in {text:?}"));
        let result: Value = serde_json::from_str(line).unwrap();
        assert_eq!(result["status"], "SUCCEEDED", "trial {trial} (seed {seed})");
        let output: Value = serde_json::from_str(result["output"].as_str().unwrap()).unwrap();
        assert_eq!(
            output,
            json!({"count": ITEMS, "last": [(ITEMS as u64 - 1) * 2]}),
            "trial {trial} (seed {seed})"
        );
        let invocations = std::fs::read_to_string(&log).unwrap();
        let violations: Vec<&str> = invocations
            .lines()
            .filter(|l| l.starts_with("VIOLATION"))
            .collect();
        assert!(
            violations.is_empty(),
            "trial {trial} (seed {seed}): recorded iterations ran again: {:?}",
            &violations[..violations.len().min(10)]
        );
        let invoked: HashSet<u64> = invocations.lines().filter_map(|l| l.parse().ok()).collect();
        assert_eq!(
            invoked.len(),
            ITEMS,
            "trial {trial} (seed {seed}): every item ran"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(kills >= 20);
    let _ = std::fs::remove_dir_all(&base);
}
