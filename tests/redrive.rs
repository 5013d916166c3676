//! RedriveExecution: eligibility rules and errors, and what a redrive reruns.

mod common;

use common::*;
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::mock::MockConfig;
use sfn_runtime::runtime::{TaskFailure, TaskRequest, VirtualClock};
use sfn_runtime::types::HistoryEventType;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn redrive(
    s: &StepFunctions,
    arn: &str,
    token: Option<&str>,
) -> Result<RedriveExecutionOutput, sfn_runtime::api::ApiError> {
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: arn.into(),
        client_token: token.map(String::from),
    })
}

/// A mock config whose `T` fails on its first invocation and succeeds after.
fn fail_then_succeed() -> MockConfig {
    MockConfig::from_value(&json!({
        "StateMachines": {"Sm": {"TestCases": {"Case": {"T": "FailOnce"}}}},
        "MockedResponses": {"FailOnce": {
            "0": {"Throw": {"Error": "Boom", "Cause": "first attempt"}},
            "1": {"Return": {"ok": true}}
        }}
    }))
    .unwrap()
}

fn chain() -> Value {
    json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": "a", "ResultPath": "$.a", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.t",
              "ResultSelector": {"ok.$": "$.ok", "redrives.$": "$$.Execution.RedriveCount"}, "Next": "C"},
        "C": {"Type": "Pass", "End": true}}})
}

#[test]
fn a_redrive_continues_at_the_failed_state_with_its_input() {
    let s = builder().mock_config(fail_then_succeed()).build().unwrap();
    let arn = create(&s, "Sm", &chain());
    let r = start(&s, &format!("{arn}#Case"), &json!({"in": 1}));
    r.wait_blocking();
    let first = describe_arn(&s, r.execution_arn.as_str());
    assert_eq!(first.status, "FAILED");
    assert_eq!(first.redrive_status, "REDRIVABLE");
    let out = redrive(&s, r.execution_arn.as_str(), None).unwrap();
    let d = wait_end(&s, r.execution_arn.as_str());
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(d.redrive_count, 1);
    assert_eq!(d.redrive_date, Some(out.redrive_date));
    assert_eq!(
        output(&d),
        json!({"in": 1, "a": "a", "t": {"ok": true, "redrives": 1}})
    );
    let h = history_events(&s, r.execution_arn.as_str());
    let types: Vec<&str> = h.iter().map(|e| e["type"].as_str().unwrap()).collect();
    let redriven = types
        .iter()
        .position(|t| *t == "ExecutionRedriven")
        .unwrap();
    assert_eq!(
        h[redriven]["executionRedrivenEventDetails"]["redriveCount"],
        1
    );
    // Pass state A ran once only; T is entered again with its original input.
    assert_eq!(
        types.iter().filter(|t| **t == "PassStateEntered").count(),
        2,
        "A once, C once"
    );
    assert_eq!(types[redriven + 1], "TaskStateEntered");
    assert_eq!(
        h[redriven + 1]["stateEnteredEventDetails"]["input"],
        "{\"in\":1,\"a\":\"a\"}"
    );
    let ids: Vec<u64> = h.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert_eq!(
        ids,
        (1..=h.len() as u64).collect::<Vec<_>>(),
        "history continues"
    );
    let listed = s
        .list_executions(ListExecutionsInput {
            state_machine_arn: Some(arn),
            redrive_filter: Some("REDRIVEN".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.executions.len(), 1);
    assert_eq!(listed.executions[0].redrive_count, 1);
}

#[test]
fn eligibility_rules_and_errors() {
    let clock = VirtualClock::new();
    let s = builder()
        .clock(Arc::new(clock.clone()))
        .mock_config(fail_then_succeed())
        .build()
        .unwrap();
    let not = |arn: &str| {
        let e = redrive(&s, arn, None).unwrap_err();
        assert_eq!(e.name(), "ExecutionNotRedrivable");
        e.message().to_string()
    };
    // Malformed and unknown ARNs.
    assert_eq!(redrive(&s, "nope", None).unwrap_err().name(), "InvalidArn");
    assert_eq!(
        redrive(
            &s,
            "arn:aws:states:us-east-1:123456789012:execution:Sm:none",
            None
        )
        .unwrap_err()
        .name(),
        "ExecutionDoesNotExist"
    );
    // SUCCEEDED.
    let ok = create(
        &s,
        "Ok",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    );
    let (d, _) = run(&s, &ok, &json!({}));
    assert_eq!(
        not(&d.execution_arn),
        "Execution is SUCCEEDED and cannot be redriven"
    );
    assert_eq!(
        d.redrive_status_reason.as_deref(),
        Some("Execution is SUCCEEDED and cannot be redriven")
    );
    // EXPRESS.
    let ex = create_typed(
        &s,
        "Ex",
        &json!({"StartAt": "F", "States": {"F": {"Type": "Fail"}}}),
        "EXPRESS",
    );
    let (d, _) = run(&s, &ex, &json!({}));
    assert_eq!(d.redrive_status, "NOT_REDRIVABLE");
    not(&d.execution_arn);
    // The 14-day window, on virtual time.
    let arn = create(&s, "Sm", &chain());
    let r = start(&s, &format!("{arn}#Case"), &json!({}));
    r.wait_blocking();
    clock.advance(chrono::Duration::days(15));
    assert_eq!(
        not(r.execution_arn.as_str()),
        "Execution redrivable period exceeded"
    );
    assert_eq!(
        describe_arn(&s, r.execution_arn.as_str()).redrive_status,
        "NOT_REDRIVABLE"
    );
    // Within the window it redrives; a bad clientToken is a ValidationException.
    let r = start(&s, &format!("{arn}#Case"), &json!({}));
    r.wait_blocking();
    clock.advance(chrono::Duration::days(13));
    assert_eq!(
        redrive(&s, r.execution_arn.as_str(), Some(&"x".repeat(65)))
            .unwrap_err()
            .name(),
        "ValidationException"
    );
    redrive(&s, r.execution_arn.as_str(), None).unwrap();
    assert_eq!(wait_end(&s, r.execution_arn.as_str()).status, "SUCCEEDED");
    // A deleted state machine.
    let gone = create(
        &s,
        "Gone",
        &json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}),
    );
    let (d, _) = run(&s, &gone, &json!({}));
    s.delete_state_machine(StateMachineArnInput {
        state_machine_arn: gone,
    })
    .unwrap();
    assert_eq!(not(&d.execution_arn), "State machine is in DELETING status");
}

#[test]
fn running_executions_and_history_limits_are_not_redrivable() {
    let s = builder()
        .handler("arn:aws:states:::hang", |_r: TaskRequest| {
            std::future::pending()
        })
        .build()
        .unwrap();
    let hang = create(
        &s,
        "Hang",
        &json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::hang", "End": true}}}),
    );
    let r = start(&s, &hang, &json!({}));
    let e = redrive(&s, r.execution_arn.as_str(), None).unwrap_err();
    assert_eq!(e.message(), "Execution is RUNNING and cannot be redriven");
    // A loop that writes 25,000 events, then fails.
    let looping = json!({"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.n", "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 6300, "Next": "Fail"}], "Default": "Inc"},
        "Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Check"},
        "Fail": {"Type": "Fail", "Error": "Done"}}});
    let arn = create(&s, "Loop", &looping);
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.status, "FAILED");
    let events = s
        .get_execution_history(GetExecutionHistoryInput {
            execution_arn: d.execution_arn.clone(),
            max_results: Some(1),
            reverse_order: true,
            next_token: None,
        })
        .unwrap();
    assert!(events.events[0]["id"].as_u64().unwrap() >= 24_999);
    assert_eq!(
        redrive(&s, &d.execution_arn, None).unwrap_err().message(),
        "Execution history event limit exceeded"
    );
}

#[test]
fn client_tokens_make_redrive_idempotent() {
    let s = builder().mock_config(MockConfig::from_value(&json!({
        "StateMachines": {"Sm": {"TestCases": {"Case": {"T": "AlwaysFails"}}}},
        "MockedResponses": {"AlwaysFails": {"0-9": {"Throw": {"Error": "Boom", "Cause": "again"}}}}
    })).unwrap()).build().unwrap();
    let arn = create(&s, "Sm", &chain());
    let r = start(&s, &format!("{arn}#Case"), &json!({}));
    r.wait_blocking();
    let first = redrive(&s, r.execution_arn.as_str(), Some("tok-1")).unwrap();
    wait_end(&s, r.execution_arn.as_str());
    let again = redrive(&s, r.execution_arn.as_str(), Some("tok-1")).unwrap();
    assert_eq!(first.redrive_date, again.redrive_date);
    assert_eq!(
        describe_arn(&s, r.execution_arn.as_str()).redrive_count,
        1,
        "the repeated token redrove nothing"
    );
    redrive(&s, r.execution_arn.as_str(), Some("tok-2")).unwrap();
    let d = wait_end(&s, r.execution_arn.as_str());
    assert_eq!(d.redrive_count, 2);
    assert_eq!(d.status, "FAILED");
}

/// A Map of 1,000 items where 10 fail once: the redrive runs the item processor only for
/// the unsuccessful iterations.
#[test]
fn a_map_redrive_reruns_only_unsuccessful_iterations() {
    let failing: HashSet<i64> = (0..10).map(|i| i * 97 + 5).collect();
    let calls = Arc::new(AtomicUsize::new(0));
    let failed_once = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let others_done = Gate::default();
    let (c, f, sn, fl, done) = (
        Arc::clone(&calls),
        Arc::clone(&failed_once),
        Arc::clone(&seen),
        failing.clone(),
        others_done.clone(),
    );
    let s = builder()
        .handler("arn:aws:states:::item", move |r: TaskRequest| {
            let n = r.parameters["n"].as_i64().unwrap();
            c.fetch_add(1, Ordering::SeqCst);
            sn.lock().unwrap().push(n);
            let fail = fl.contains(&n) && !f.load(Ordering::SeqCst);
            let (f, done) = (Arc::clone(&f), done.clone());
            async move {
                if fail {
                    // Fail once the others have succeeded, so none of them is aborted.
                    done.passed().await;
                    f.store(true, Ordering::SeqCst);
                    Err(TaskFailure::new("Item.Failed", format!("item {n}")))
                } else {
                    Ok(json!(n * 10))
                }
            }
        })
        .build()
        .unwrap();
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 0,
        "ItemSelector": {"n.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::item", "End": true}}},
        "End": true}}});
    let arn = create(&s, "Items", &def);
    let items: Vec<i64> = (0..1000).collect();
    let r = start(&s, &arn, &json!(items));
    let others = items.len() - failing.len();
    eventually("the other iterations succeed", || {
        (count_events(&r, HistoryEventType::MapIterationSucceeded) == others).then_some(())
    });
    others_done.open();
    r.wait_blocking();
    let d = describe_arn(&s, r.execution_arn.as_str());
    assert_eq!(d.status, "FAILED");
    assert_eq!(calls.load(Ordering::SeqCst), 1000);
    seen.lock().unwrap().clear();
    redrive(&s, &d.execution_arn, None).unwrap();
    let d = wait_end(&s, &d.execution_arn);
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1010,
        "exactly the 10 unsuccessful iterations ran again"
    );
    let mut rerun = seen.lock().unwrap().clone();
    rerun.sort();
    let mut want: Vec<i64> = failing.into_iter().collect();
    want.sort();
    assert_eq!(rerun, want);
    let expected: Vec<Value> = items.iter().map(|n| json!(n * 10)).collect();
    assert_eq!(
        output(&d),
        Value::Array(expected),
        "kept and new results in item order"
    );
}

#[test]
fn a_parallel_redrive_reruns_only_failed_branches_and_nested_fan_outs_recurse() {
    let calls = Arc::new(Mutex::new(Vec::<String>::new()));
    let c = Arc::clone(&calls);
    let attempts = Arc::new(AtomicUsize::new(0));
    let a = Arc::clone(&attempts);
    let s = builder()
        .handler("arn:aws:states:::work", move |r: TaskRequest| {
            let tag = r.parameters["tag"].as_str().unwrap().to_string();
            c.lock().unwrap().push(tag.clone());
            let fail = tag == "inner-2" && a.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                if fail {
                    Err(TaskFailure::new("Work.Failed", tag))
                } else {
                    Ok(json!(tag))
                }
            }
        })
        .build()
        .unwrap();
    let task = |tag: &str| json!({"Type": "Task", "Resource": "arn:aws:states:::work", "Parameters": {"tag": tag}, "End": true});
    let inner_map = json!({"Type": "Map", "MaxConcurrency": 1, "ItemsPath": "$.xs",
        "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:states:::work",
            "Parameters": {"tag.$": "States.Format('inner-{}', $)"}, "End": true}}}, "End": true});
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "B0", "States": {"B0": task("b0")}},
        {"StartAt": "Pre", "States": {"Pre": {"Type": "Pass", "Next": "Inner"}, "Inner": inner_map}}
    ]}}});
    let arn = create(&s, "Par", &def);
    let (d, _) = run(&s, &arn, &json!({"xs": [1, 2, 3]}));
    assert_eq!(d.status, "FAILED");
    let first: Vec<String> = calls.lock().unwrap().drain(..).collect();
    assert!(first.contains(&"b0".to_string()));
    assert!(first.contains(&"inner-1".to_string()));
    redrive(&s, &d.execution_arn, None).unwrap();
    let d = wait_end(&s, &d.execution_arn);
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(output(&d), json!(["b0", ["inner-1", "inner-2", "inner-3"]]));
    let second: Vec<String> = calls.lock().unwrap().clone();
    // Branch 0 succeeded and is kept; in branch 1 only the inner Map's unsuccessful
    // iterations run again.
    assert_eq!(second, ["inner-2", "inner-3"]);
}

#[test]
fn an_execution_open_for_more_than_a_year_is_not_redrivable() {
    let clock = VirtualClock::new();
    let s = builder().clock(Arc::new(clock.clone())).build().unwrap();
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 31_708_800, "Next": "F"},
        "F": {"Type": "Fail", "Error": "Late"}}});
    let arn = create(&s, "Long", &def);
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.status, "FAILED");
    assert!((d.stop_date.unwrap() - d.start_date).num_days() >= 367);
    // A few days after it stopped: inside the 14-day window, but open for over a year.
    clock.advance(chrono::Duration::days(370));
    let e = redrive(&s, &d.execution_arn, None).unwrap_err();
    assert_eq!(e.message(), "Execution has exceeded the max execution time");
}
