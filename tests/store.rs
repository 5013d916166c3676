//! The durable store: executions survive the service, redrive works from the data
//! directory, running executions continue, and damaged files are typed errors that affect
//! nothing else.

mod common;

use common::*;
use serde_json::json;
use sfn_runtime::api::types::*;
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::mock::MockConfig;
use sfn_runtime::runtime::TaskRequest;
use sfn_runtime::types::HistoryEventType;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn mocks() -> MockConfig {
    MockConfig::from_value(&json!({
        "StateMachines": {"Sm": {"TestCases": {"Case": {"T": "FailOnce"}}}},
        "MockedResponses": {"FailOnce": {
            "0": {"Throw": {"Error": "Boom", "Cause": "first"}},
            "1": {"Return": {"ok": true}}
        }}
    }))
    .unwrap()
}

fn def() -> serde_json::Value {
    json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.t", "End": true}}})
}

fn open(dir: &Path) -> StepFunctions {
    builder()
        .data_dir(dir)
        .mock_config(mocks())
        .build()
        .unwrap()
}

#[test]
fn a_failed_execution_is_redriven_by_a_new_service_on_the_same_directory() {
    let dir = temp_dir("redrive");
    let (arn, first_history) = {
        let s = open(&dir);
        let sm = create(&s, "Sm", &def());
        let r = start(&s, &format!("{sm}#Case"), &json!({"in": 1}));
        r.wait_blocking();
        assert_eq!(r.status().as_str(), "FAILED");
        (
            r.execution_arn.clone(),
            history_types(&s, r.execution_arn.as_str()),
        )
    };
    // A new service: the state machine, the execution and its history are back.
    let s = open(&dir);
    assert!(s.store_errors().is_empty(), "{:?}", s.store_errors());
    let d = describe_arn(&s, arn.as_str());
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("Boom"));
    assert_eq!(d.redrive_status, "REDRIVABLE");
    assert_eq!(history_types(&s, arn.as_str()), first_history);
    let listed = s.list_state_machines(PageInput::default()).unwrap();
    assert_eq!(listed.state_machines.len(), 1);
    // The mock's invocation count continued: the redrive gets invocation 1, which succeeds.
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: arn.to_string(),
        client_token: None,
    })
    .unwrap();
    let d = wait_end(&s, arn.as_str());
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(output(&d), json!({"in": 1, "a": 1, "t": {"ok": true}}));
    drop(s);
    // And the redriven result is durable too.
    let s = open(&dir);
    let d = describe_arn(&s, arn.as_str());
    assert_eq!((d.status.as_str(), d.redrive_count), ("SUCCEEDED", 1));
    assert!(history_types(&s, arn.as_str()).contains(&"ExecutionRedriven".to_string()));
}

#[test]
fn a_running_execution_continues_after_a_restart() {
    let dir = temp_dir("restart");
    let arn = {
        let s = builder()
            .data_dir(&dir)
            .handler("arn:aws:states:::slow", |_r: TaskRequest| {
                std::future::pending()
            })
            .build()
            .unwrap();
        let sm = create(
            &s,
            "Sm",
            &json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Result": "a", "ResultPath": "$.a", "Next": "T"},
            "T": {"Type": "Task", "Resource": "arn:aws:states:::slow", "ResultPath": "$.t", "End": true}}}),
        );
        let r = start(&s, &sm, &json!({"k": 1}));
        eventually("the task started", || {
            (count_events(&r, HistoryEventType::TaskStarted) > 0).then_some(())
        });
        r.execution_arn.clone()
        // The service (and its actors) go away with the execution still running.
    };
    let s = builder()
        .data_dir(&dir)
        .handler("arn:aws:states:::slow", |_r: TaskRequest| async {
            Ok(json!("done"))
        })
        .build()
        .unwrap();
    let d = wait_end(&s, arn.as_str());
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(output(&d), json!({"k": 1, "a": "a", "t": "done"}));
    let types = history_types(&s, arn.as_str());
    assert_eq!(
        types.iter().filter(|t| *t == "PassStateEntered").count(),
        1,
        "A did not run again: {types:?}"
    );
    assert_eq!(types.iter().filter(|t| *t == "ExecutionStarted").count(), 1);
}

#[test]
fn damaged_files_are_typed_errors_that_affect_nothing_else() {
    let dir = temp_dir("corrupt");
    let (good, bad) = {
        let s = open(&dir);
        let sm = create(&s, "Sm", &def());
        let a = start(&s, &format!("{sm}#Case"), &json!({"which": "good"}));
        let b = start(&s, &format!("{sm}#Case"), &json!({"which": "bad"}));
        a.wait_blocking();
        b.wait_blocking();
        (a, b)
    };
    let bad_log = dir
        .join("executions/Sm")
        .join(bad.name.as_str())
        .join("log.rkyv");
    let mut bytes = std::fs::read(&bad_log).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&bad_log, &bytes).unwrap();
    // A torn tail (a crash mid-append) on the good one is not an error.
    let good_log = dir
        .join("executions/Sm")
        .join(good.name.as_str())
        .join("log.rkyv");
    let mut g = std::fs::read(&good_log).unwrap();
    g.extend_from_slice(&[7, 0, 0, 0, 1, 2]);
    std::fs::write(&good_log, &g).unwrap();
    let s = open(&dir);
    let errors = s.store_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(bad.name.as_str()) && errors[0].contains("log.rkyv"),
        "{errors:?}"
    );
    assert_eq!(
        describe_arn(&s, good.execution_arn.as_str()).status,
        "FAILED"
    );
    let e = s.describe_execution(ExecutionArnInput {
        execution_arn: bad.execution_arn.to_string(),
    });
    assert_eq!(e.unwrap_err().name(), "ExecutionDoesNotExist");
    drop(s);
    // A file that is not ours at all.
    std::fs::write(dir.join("state-machines/Junk.rkyv"), b"hello").unwrap();
    let s = open(&dir);
    assert!(s
        .store_errors()
        .iter()
        .any(|e| e.contains("Junk.rkyv") && e.contains("magic")));
}

/// Golden archives written by this format version must keep loading: the format never
/// changes by accident. (Set SFN_WRITE_GOLDEN=1 to write them again after a deliberate
/// format change, and bump FORMAT_VERSION.)
#[test]
fn golden_snapshots_still_load() {
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots/store-v1");
    if std::env::var_os("SFN_WRITE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        write_golden(&golden);
    }
    let work = temp_dir("golden");
    copy_dir(&golden, &work);
    let s = open(&work);
    assert!(s.store_errors().is_empty(), "{:?}", s.store_errors());
    let list = |name: &str| {
        s.list_executions(ListExecutionsInput {
            state_machine_arn: Some(format!(
                "arn:aws:states:us-east-1:123456789012:stateMachine:{name}"
            )),
            ..Default::default()
        })
        .unwrap()
        .executions
    };
    let map_runs = list("MapSm");
    assert_eq!(map_runs.len(), 2);
    let failed = map_runs.iter().find(|e| e.name == "partly-failed").unwrap();
    assert_eq!(failed.status, "FAILED");
    let redriven = map_runs.iter().find(|e| e.name == "redriven").unwrap();
    assert_eq!(
        (redriven.status.as_str(), redriven.redrive_count),
        ("SUCCEEDED", 1)
    );
    let d = describe_arn(&s, &redriven.execution_arn);
    assert_eq!(output(&d), json!([0, 8, 16, 24]));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn write_golden(dir: &Path) {
    let cfg = MockConfig::from_value(&json!({
        "StateMachines": {"MapSm": {"TestCases": {"Case": {"T": "ThirdFailsOnce"}}}},
        "MockedResponses": {"ThirdFailsOnce": {
            "0-1": {"Return": "ok"},
            "2": {"Throw": {"Error": "Item.Failed", "Cause": "the third"}},
            "3-9": {"Return": "ok"}
        }}
    }))
    .unwrap();
    let s = builder()
        .workers(1)
        .data_dir(dir)
        .mock_config(cfg)
        .build()
        .unwrap();
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1,
        "ItemProcessor": {"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": null, "Next": "Times"},
            "Times": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "OutputPath": "$.v", "Next": "Ten"},
            "Ten": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, States.MathAdd($, States.MathAdd($, $)))"}, "OutputPath": "$.v", "End": true}}},
        "End": true}}});
    let sm = create(&s, "MapSm", &def);
    for name in ["partly-failed", "redriven"] {
        let r = s
            .start(StartExecutionInput {
                state_machine_arn: format!("{sm}#Case"),
                name: Some(name.into()),
                input: Some("[0, 1, 2, 3]".into()),
                trace_header: None,
            })
            .unwrap();
        r.wait_blocking();
    }
    let redriven = "arn:aws:states:us-east-1:123456789012:execution:MapSm:redriven";
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: redriven.into(),
        client_token: None,
    })
    .unwrap();
    wait_end(&s, redriven);
}

#[test]
fn a_map_that_was_running_continues_without_rerunning_completed_iterations() {
    map_restart_keeps_completed_children("INLINE");
}

#[test]
fn a_distributed_map_that_was_running_continues_without_rerunning_completed_children() {
    map_restart_keeps_completed_children("DISTRIBUTED");
}

/// How many children of the execution's Map have succeeded so far.
fn children_done(s: &StepFunctions, r: &sfn_runtime::runtime::ExecutionRecord) -> usize {
    let iterations = r.with_progress(|p| {
        p.history
            .iter()
            .filter(|e| e.event_type == HistoryEventType::MapIterationSucceeded)
            .count()
    });
    let runs = s
        .list_map_runs(ListMapRunsInput {
            execution_arn: r.execution_arn.to_string(),
            ..Default::default()
        })
        .unwrap()
        .map_runs;
    let distributed: u64 = runs
        .iter()
        .map(|m| {
            s.describe_map_run(DescribeMapRunInput {
                map_run_arn: m.map_run_arn.clone(),
            })
            .unwrap()
            .item_counts
            .succeeded
        })
        .sum();
    iterations + distributed as usize
}

/// Starts `def` (a Map whose task is `arn:aws:states:::item`) over 100 items on a service
/// on `dir` whose handler answers only items 0 to 59, and returns once those 60 are done:
/// the process then "dies" when the caller drops the service.
fn run_until_60_of_100_done(
    dir: &std::path::Path,
    name: &str,
    def: &serde_json::Value,
) -> (StepFunctions, Arc<sfn_runtime::runtime::ExecutionRecord>) {
    let s = builder()
        .data_dir(dir)
        .handler("arn:aws:states:::item", |r: TaskRequest| {
            let n = r.parameters["n"].as_i64().unwrap();
            async move {
                if n < 60 {
                    Ok(json!(n * 3))
                } else {
                    std::future::pending().await
                }
            }
        })
        .build()
        .unwrap();
    let sm = create(&s, name, def);
    let r = start(&s, &sm, &json!((0..100).collect::<Vec<_>>()));
    eventually("60 of the 100 children are done", || {
        (children_done(&s, &r) == 60).then_some(())
    });
    (s, r)
}

/// A 100-item Map in `mode` whose process dies with 60 items done: a new service on the
/// directory finishes it, invoking only the other 40.
fn map_restart_keeps_completed_children(mode: &str) {
    let dir = temp_dir(&format!("map-restart-{mode}"));
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 0,
        "ItemSelector": {"n.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": mode, "ExecutionType": "STANDARD"},
            "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::item", "End": true}}},
        "End": true}}});
    let arn = {
        let (s, r) = run_until_60_of_100_done(&dir, "MapSm", &def);
        (
            r.execution_arn.clone(),
            map_run_arns(&s, r.execution_arn.as_str()),
        )
    };
    let (arn, runs_before) = arn;
    let calls = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let c = std::sync::Arc::clone(&calls);
    let s = builder()
        .data_dir(&dir)
        .handler("arn:aws:states:::item", move |r: TaskRequest| {
            let n = r.parameters["n"].as_i64().unwrap();
            c.lock().unwrap().push(n);
            async move { Ok(json!(n * 3)) }
        })
        .build()
        .unwrap();
    let d = wait_end(&s, arn.as_str());
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(
        output(&d),
        json!((0..100).map(|n| n * 3).collect::<Vec<_>>())
    );
    let mut rerun = calls.lock().unwrap().clone();
    rerun.sort();
    assert_eq!(
        rerun,
        (60..100).collect::<Vec<_>>(),
        "completed iterations were not invoked again"
    );
    if mode == "DISTRIBUTED" {
        // The same Map Run went on, and a later service on the directory still knows it.
        assert_eq!(runs_before.len(), 1);
        assert_eq!(map_run_arns(&s, arn.as_str()), runs_before);
        drop(s);
        let later = builder().data_dir(&dir).build().unwrap();
        assert_eq!(map_run_arns(&later, arn.as_str()), runs_before);
        let run = later
            .describe_map_run(DescribeMapRunInput {
                map_run_arn: runs_before[0].clone(),
            })
            .unwrap();
        assert_eq!(run.status, "SUCCEEDED");
        assert_eq!(run.item_counts.succeeded, 100);
        assert_eq!(run.item_counts.total, 100);
        assert!(
            later.store_errors().is_empty(),
            "{:?}",
            later.store_errors()
        );
    }
}

fn map_run_arns(s: &StepFunctions, execution_arn: &str) -> Vec<String> {
    s.list_map_runs(ListMapRunsInput {
        execution_arn: execution_arn.into(),
        ..Default::default()
    })
    .unwrap()
    .map_runs
    .into_iter()
    .map(|m| m.map_run_arn)
    .collect()
}

/// A Distributed Map with a ResultWriter whose process dies with 60 of 100 children done:
/// the run that goes on after the restart writes all 100 results, the 60 included.
#[test]
fn results_of_children_done_before_a_restart_are_still_written() {
    let dir = temp_dir("writer-restart");
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 0,
        "ItemSelector": {"n.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::item", "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "results", "Prefix": "out"}},
        "End": true}}});
    let arn = run_until_60_of_100_done(&dir, "WriterSm", &def)
        .1
        .execution_arn
        .clone();
    let s = builder()
        .data_dir(&dir)
        .handler("arn:aws:states:::item", |r: TaskRequest| {
            let n = r.parameters["n"].as_i64().unwrap();
            async move { Ok(json!(n * 3)) }
        })
        .build()
        .unwrap();
    let d = wait_end(&s, arn.as_str());
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    let key = output(&d)["ResultWriterDetails"]["Key"]
        .as_str()
        .unwrap()
        .to_string();
    let objects = dir.join("objects").join("results");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(objects.join(&key)).unwrap()).unwrap();
    let mut outputs = Vec::new();
    for file in manifest["ResultFiles"]["SUCCEEDED"].as_array().unwrap() {
        let text = std::fs::read(objects.join(file["Key"].as_str().unwrap())).unwrap();
        let results: Vec<serde_json::Value> = serde_json::from_slice(&text).unwrap();
        for r in results {
            let out: serde_json::Value =
                serde_json::from_str(r["Output"].as_str().unwrap()).unwrap();
            outputs.push(out.as_i64().unwrap());
        }
    }
    outputs.sort();
    assert_eq!(outputs, (0..100).map(|n| n * 3).collect::<Vec<_>>());
}
