//! `sfn bench`: the report's documented shape, the named workloads, fixed-rate mode and the
//! built-in task handlers.

mod common;

use common::*;
use serde_json::{json, Value};
use sfn_runtime::bench::{self, handlers, workloads, Settings, Workload};
use std::sync::Arc;

fn quiet() -> bench::Progress {
    Arc::new(|_, _| {})
}

fn settings(executions: u64) -> Settings {
    Settings {
        executions: Some(executions),
        concurrency: 50,
        workers: 2,
        ..Settings::default()
    }
}

/// The shape the README documents for `--out report.json`.
fn assert_report_shape(v: &Value) {
    for key in ["workload", "machine_type", "mode"] {
        assert!(v[key].is_string(), "{key}: {v}");
    }
    assert!(v["coordinated_omission_corrected"].is_boolean());
    let s = &v["settings"];
    for key in ["concurrency", "items", "fail_rate", "seed", "workers"] {
        assert!(s[key].is_number(), "settings.{key}");
    }
    for key in ["executions", "rate", "duration_seconds"] {
        assert!(s[key].is_number() || s[key].is_null(), "settings.{key}");
    }
    assert!(v["peak_rss_bytes"].is_number() || v["peak_rss_bytes"].is_null());
    let phases = v["phases"].as_array().expect("phases");
    assert!(!phases.is_empty());
    for p in phases {
        assert!(p["name"].is_string());
        assert!(p["wall_seconds"].is_number());
        assert!(p["transitions"].is_u64());
        for key in ["started", "succeeded", "failed"] {
            assert!(p["executions"][key].is_u64(), "executions.{key}");
        }
        for key in [
            "executions_per_second",
            "transitions_per_second",
            "items_per_second",
        ] {
            assert!(p["throughput"][key].is_number(), "throughput.{key}");
        }
        for kind in ["execution", "transition", "task", "map_item", "request"] {
            let l = &p["latency"][kind];
            assert!(l["count"].is_u64(), "latency.{kind}.count");
            for q in [
                "mean_us", "p50_us", "p90_us", "p99_us", "p99_9_us", "max_us",
            ] {
                assert!(l[q].is_number(), "latency.{kind}.{q}");
            }
        }
    }
}

#[test]
fn a_pass_chain_report_has_the_documented_shape_and_counts() {
    let w = workloads::named("pass-chain", workloads::CHAIN_LENGTH as u64, 0.0).unwrap();
    let report = bench::run(&w, &settings(200), quiet()).unwrap();
    let v: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_report_shape(&v);
    assert_eq!(v["workload"], "pass-chain");
    assert_eq!(v["mode"], "closed-loop");
    let p = &v["phases"][0];
    assert_eq!(
        p["executions"],
        json!({"started": 200, "succeeded": 200, "failed": 0})
    );
    let chain = workloads::CHAIN_LENGTH as u64;
    assert_eq!(p["transitions"], json!(200 * chain));
    assert_eq!(p["latency"]["execution"]["count"], json!(200));
    assert_eq!(p["latency"]["transition"]["count"], json!(200 * chain));
    assert_eq!(p["latency"]["task"]["count"], json!(0));
    let l = &p["latency"]["execution"];
    assert!(
        l["p50_us"].as_f64() <= l["p99_us"].as_f64()
            && l["p99_us"].as_f64() <= l["max_us"].as_f64()
    );
    let text = report.table();
    assert!(
        text.contains("p99.9") && text.contains("transition"),
        "{text}"
    );
    let html = report.html();
    assert!(html.contains("<svg") && html.contains("polyline"), "{html}");
}

#[test]
fn map_and_parallel_workloads_time_their_items_and_tasks() {
    let w = workloads::named("inline-map", 5, 0.0).unwrap();
    let r = bench::run(&w, &settings(20), quiet()).unwrap();
    let p = &r.phases[0];
    assert_eq!(p.executions.succeeded, 20);
    assert_eq!(p.latency["map_item"].count, 100);
    assert_eq!(p.latency["task"].count, 100);
    let w = workloads::named("parallel", 0, 0.0).unwrap();
    let r = bench::run(&w, &settings(10), quiet()).unwrap();
    assert_eq!(r.phases[0].latency["task"].count, 40);
    let w = workloads::named("distributed-map", 500, 0.0).unwrap();
    let r = bench::run(&w, &settings(1), quiet()).unwrap();
    assert_eq!(r.phases[0].executions.succeeded, 1);
    assert_eq!(r.phases[0].latency["map_item"].count, 500);
}

#[test]
fn the_redrive_workload_fails_then_its_redrive_succeeds() {
    let w = workloads::named("redrive", 1000, 0.02).unwrap();
    let r = bench::run(&w, &settings(1), quiet()).unwrap();
    assert_eq!(r.phases.len(), 2);
    assert_eq!(r.phases[0].executions.failed, 1);
    assert_eq!(r.phases[1].name, "redrive");
    assert_eq!(r.phases[1].executions.succeeded, 1);
    // Only what did not succeed runs again: the children that failed (more than the 1%
    // tolerated), those the failure aborted in flight, and those it kept from starting.
    let rerun = r.phases[1].latency["map_item"].count;
    assert!((11..500).contains(&rerun), "{rerun}");
}

#[test]
fn fixed_rate_mode_keeps_the_schedule_and_says_it_corrects() {
    let w = workloads::named("pass-chain", workloads::CHAIN_LENGTH as u64, 0.0).unwrap();
    let s = Settings {
        rate: Some(1000.0),
        ..settings(100)
    };
    let r = bench::run(&w, &s, quiet()).unwrap();
    assert_eq!(r.mode, "fixed-rate");
    assert!(r.coordinated_omission_corrected);
    // 100 starts at 1,000 a second take at least 99 ms.
    assert!(
        r.phases[0].wall_seconds >= 0.099,
        "{}",
        r.phases[0].wall_seconds
    );
    assert_eq!(r.phases[0].executions.succeeded, 100);
}

#[test]
fn the_built_in_handlers_answer_from_any_definition() {
    let s = handlers::register(builder(), 42).build().unwrap();
    let def = json!({"StartAt": "Echo", "States": {
        "Echo": {"Type": "Task", "Resource": handlers::ECHO, "Parameters": {"k.$": "$.k"}, "Next": "Sleep"},
        "Sleep": {"Type": "Task", "Resource": handlers::SLEEP, "Parameters": {"Millis": 1}, "ResultPath": "$.slept", "Next": "Once"},
        "Once": {"Type": "Task", "Resource": handlers::FAIL_FIRST_ATTEMPT, "Parameters": {"Key.$": "$.k"},
                 "Retry": [{"ErrorEquals": ["Bench.FirstAttemptFailed"], "IntervalSeconds": 1}],
                 "ResultPath": null, "Next": "Never"},
        "Never": {"Type": "Task", "Resource": handlers::FAIL, "Parameters": {"Probability": 0}, "ResultPath": null, "Next": "Always"},
        "Always": {"Type": "Task", "Resource": handlers::FAIL, "Parameters": {"Probability": 1}, "End": true}}});
    let arn = create(&s, "Handlers", &def);
    let (d, types) = run(&s, &arn, &json!({"k": "item-1"}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("Bench.Failed"));
    // The first attempt of "Once" failed and its retry succeeded.
    assert_eq!(
        types.iter().filter(|t| *t == "TaskFailed").count(),
        2,
        "{types:?}"
    );
    let bad = json!({"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": handlers::SLEEP,
        "Parameters": {"Distribution": {"Type": "zipf"}}, "End": true}}});
    let arn = create(&s, "Bad", &bad);
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.error.as_deref(), Some("Bench.InvalidParameters"));
}

/// The keys that failed their first attempt are kept in the data directory: a redrive by a
/// later process on it succeeds.
#[test]
fn a_first_attempt_failure_is_remembered_across_processes() {
    let dir = temp_dir("bench-memory");
    let def = json!({"StartAt": "Once", "States": {"Once": {"Type": "Task",
        "Resource": handlers::FAIL_FIRST_ATTEMPT, "Parameters": {"Key.$": "$.k"}, "End": true}}});
    let arn = {
        let s = handlers::register(builder().data_dir(&dir), 5)
            .build()
            .unwrap();
        let sm = create(&s, "Memory", &def);
        let (d, _) = run(&s, &sm, &json!({"k": "item-9"}));
        assert_eq!(d.status, "FAILED");
        assert_eq!(d.error.as_deref(), Some("Bench.FirstAttemptFailed"));
        d.execution_arn
    };
    let s = handlers::register(builder().data_dir(&dir), 5)
        .build()
        .unwrap();
    s.redrive_execution(sfn_runtime::api::types::RedriveExecutionInput {
        execution_arn: arn.clone(),
        client_token: None,
    })
    .unwrap();
    let d = wait_end(&s, &arn);
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
}

#[test]
fn an_endpoint_run_drives_executions_over_http() {
    let s = serve::Server::start(&["--virtual-time"]);
    let express = workloads::named("pass-chain", 10, 0.0).unwrap();
    let remote = |w: &Workload, n: u64| {
        let settings = Settings {
            executions: Some(n),
            concurrency: 4,
            ..Settings::default()
        };
        bench::remote::run(&s.endpoint(), w, &settings, quiet())
    };
    let report = remote(&express, 200).unwrap();
    let v: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_report_shape(&v);
    assert_eq!(v["endpoint"], json!(s.endpoint()));
    let p = &v["phases"][0];
    assert_eq!(
        p["executions"],
        json!({"started": 200, "succeeded": 200, "failed": 0})
    );
    // One StartSyncExecution each; the server's insides are not seen from here.
    assert_eq!(p["latency"]["request"]["count"], json!(200));
    assert_eq!(p["latency"]["execution"]["count"], json!(200));
    assert_eq!(p["transitions"], json!(0));
    assert!(report
        .table()
        .contains(&format!("against {}", s.endpoint())));

    let mut standard = express.clone();
    standard.machine_type = "STANDARD".into();
    let p = &remote(&standard, 100).unwrap().phases[0];
    assert_eq!((p.executions.succeeded, p.executions.failed), (100, 0));
    // StartExecution, then DescribeExecution until it has ended.
    assert!(p.latency["request"].count >= 200, "{:?}", p.latency);

    let failing = workloads::from_definition(
        "fails.json",
        r#"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}"#,
        json!({}),
        "EXPRESS",
    )
    .unwrap();
    let p = &remote(&failing, 20).unwrap().phases[0];
    assert_eq!((p.executions.succeeded, p.executions.failed), (0, 20));

    // Each run's state machine was deleted after it.
    let (_, listed) = s.call("ListStateMachines", &json!({}));
    assert_eq!(listed["stateMachines"], json!([]));
}

#[test]
fn an_endpoint_run_refuses_what_it_cannot_do() {
    let w = workloads::named("pass-chain", 10, 0.0).unwrap();
    let one = Settings {
        executions: Some(1),
        concurrency: 1,
        ..Settings::default()
    };
    let e = bench::remote::run("ftp://states.example.com", &w, &one, quiet()).unwrap_err();
    assert!(e.contains("http:// or https://"), "{e}");
    let dmap = workloads::named("distributed-map", 10, 0.0).unwrap();
    let e = bench::remote::run("http://127.0.0.1:9", &dmap, &one, quiet()).unwrap_err();
    assert!(e.contains("pass-chain or a definition file"), "{e}");
    // Nothing listens on the discard port.
    let e = bench::remote::run("http://127.0.0.1:9", &w, &one, quiet()).unwrap_err();
    assert!(
        e.starts_with("CreateStateMachine to http://127.0.0.1:9"),
        "{e}"
    );
    let many = Settings {
        concurrency: 5000,
        ..one
    };
    let e = bench::remote::run("http://127.0.0.1:9", &w, &many, quiet()).unwrap_err();
    assert!(e.contains("number of connections"), "{e}");
}

#[test]
fn a_ramp_starts_executions_as_its_rate_rises() {
    let w = workloads::named("pass-chain", 1, 0.0).unwrap();
    // 0 → 400/s over 2 s: 400 starts, a quarter of them in the first second.
    let s = Settings {
        executions: None,
        rate: Some(0.0),
        stages: vec![bench::schedule::Stage {
            seconds: 2.0,
            to_rate: 400.0,
        }],
        ..settings(0)
    };
    let r = bench::run(&w, &s, quiet()).unwrap();
    assert_eq!(r.mode, "ramping-rate");
    let p = &r.phases[0];
    assert_eq!(p.executions.started, 400, "{:?}", p.timeline);
    let started: Vec<u64> = p.timeline.iter().map(|s| s.started).collect();
    assert!(started.len() >= 2, "{started:?}");
    // A loaded machine may start a few late, into the next second.
    assert!((90..=110).contains(&started[0]), "{started:?}");
    assert!((280..=310).contains(&started[1]), "{started:?}");
    assert_eq!(p.timeline[1].target_rate, Some(300.0));
    assert_eq!(
        p.timeline.iter().map(|s| s.ended).sum::<u64>(),
        400,
        "{:?}",
        p.timeline
    );
}

#[test]
fn thresholds_set_the_exit_code_and_hgrm_files_are_written() {
    let dir = temp_dir("thresholds");
    let hgrm = dir.path().join("hgrm");
    let run = |extra: &[&str]| {
        let mut args = vec!["bench", "pass-chain", "--items", "3", "--executions", "200"];
        args.extend_from_slice(extra);
        cli(&args)
    };
    let o = run(&[
        "--threshold",
        "failed<0.1%",
        "--threshold",
        "execution.p99<60s",
        "--hgrm",
        hgrm.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("ok   failed<0.1% (was 0)"), "{out}");
    let text = std::fs::read_to_string(hgrm.join("run-execution.hgrm")).unwrap();
    assert!(text.contains("Total count    =          200]"), "{text}");
    assert!(hgrm.join("run-transition.hgrm").exists());
    let o = run(&["--threshold", "execution.p50<1ns"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(99), "{out}");
    assert!(out.contains("FAIL execution.p50<1ns"), "{out}");
    for bad in [
        &["--threshold", "execution.p99<50"][..],
        &["--rate", "100:500"],
        &["--ramp", "5s"],
        &["--rate", "0"],
    ] {
        assert_eq!(run(bad).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn with_aws_credentials_in_the_environment_requests_are_signed_and_still_answered() {
    let s = serve::Server::start(&["--virtual-time"]);
    let o = cli_command(&[
        "bench",
        "pass-chain",
        "--items",
        "2",
        "--executions",
        "20",
        "--endpoint",
        &s.endpoint(),
        "--role-arn",
        "arn:aws:iam::123456789012:role/other",
        "--threshold",
        "failed<1",
    ])
    .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    .env(
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    )
    .output()
    .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("20 executions (20 succeeded, 0 failed)"),
        "{out}"
    );
}
