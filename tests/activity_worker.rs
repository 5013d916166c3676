//! `examples/activity_worker.rs`, the SDK-based worker, run against `sfn serve`: the tasks of
//! three executions are taken and answered over HTTP, and the history names the worker.

mod common;

use common::serve::Server;
use common::*;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

/// The example's binary beside this test's (`cargo test` builds examples); built here when
/// the test runs alone.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    if !path.exists() {
        let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        build
            .args(["build", "--example", name])
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        assert!(
            build.status().expect("cargo runs").success(),
            "the example builds"
        );
    }
    path
}

#[test]
fn the_example_worker_answers_tasks_over_http() {
    let server = Server::start(&[]);
    let (status, act) = server.call("CreateActivity", &json!({"name": "shout"}));
    assert_eq!(status, 200, "{act}");
    let activity = act["activityArn"].as_str().unwrap().to_string();
    let def = json!({"StartAt": "Shout", "States": {"Shout": {"Type": "Task",
        "Resource": activity, "TimeoutSeconds": 60, "HeartbeatSeconds": 30, "End": true}}});
    let (_, created) = server.call(
        "CreateStateMachine",
        &json!({"name": "Shouter", "definition": def.to_string(), "roleArn": ROLE}),
    );
    let inputs = [
        json!({"text": "hello"}),
        json!({"text": "héllo wörld"}),
        json!({"reject": true}),
    ];
    let execs: Vec<Value> = inputs
        .iter()
        .map(|input| {
            let (_, started) = server.call(
                "StartExecution",
                &json!({"stateMachineArn": created["stateMachineArn"], "input": input.to_string()}),
            );
            started["executionArn"].clone()
        })
        .collect();

    let run = Command::new(example("activity_worker"))
        .args([
            "--endpoint",
            &server.endpoint(),
            "--activity-arn",
            &activity,
        ])
        .args(["--worker-name", "ci-worker", "--tasks", "3"])
        .output()
        .expect("the worker runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let ended: Vec<Value> = execs
        .iter()
        .map(|arn| {
            eventually("the execution ends", || {
                let (_, d) = server.call("DescribeExecution", &json!({"executionArn": arn}));
                (d["status"] != "RUNNING").then_some(d)
            })
        })
        .collect();
    let out = |d: &Value| serde_json::from_str::<Value>(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(ended[0]["status"], "SUCCEEDED");
    assert_eq!(
        out(&ended[0]),
        json!({"text": "HELLO", "length": 5, "worker": "ci-worker"})
    );
    assert_eq!(out(&ended[1])["length"], 11);
    assert_eq!(ended[2]["status"], "FAILED");
    assert_eq!(ended[2]["error"], "Worker.Rejected");

    let (_, history) = server.call("GetExecutionHistory", &json!({"executionArn": execs[0]}));
    let events = history["events"].as_array().unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "ActivityScheduled",
            "ActivityStarted",
            "ActivitySucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        events[2]["activityScheduledEventDetails"]["heartbeatInSeconds"],
        30
    );
    assert_eq!(
        events[3]["activityStartedEventDetails"]["workerName"],
        "ci-worker"
    );
}
