//! Executions end to end on virtual time: waits, timeouts, heartbeats, retries, the context
//! object, and the history they leave.

mod common;

use common::*;
use serde_json::json;
use sfn_runtime::runtime::{TaskFailure, TaskRequest};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// A handler that takes `secs` of (virtual) time to answer.
fn slow(
    secs: i64,
) -> impl Fn(TaskRequest) -> futures::future::BoxFuture<'static, Result<serde_json::Value, TaskFailure>>
{
    move |r: TaskRequest| {
        Box::pin(async move {
            let until = r.clock.now() + chrono::Duration::seconds(secs);
            r.clock.sleep_until(until).await;
            Ok(json!({"slept": secs}))
        })
    }
}

#[test]
fn a_one_year_wait_ends_at_once_on_virtual_time() {
    let started = std::time::Instant::now();
    let (d, history) = run_def(
        &json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 31_536_000, "End": true}}}),
        &json!({"a": 1}),
    );
    assert_eq!(d.status, "SUCCEEDED");
    assert!((d.stop_date.unwrap() - d.start_date).num_days() >= 365);
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(
        history,
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn task_timeout_fails_with_states_timeout_and_can_be_retried() {
    let s = builder()
        .handler("arn:aws:states:::slow", slow(10))
        .build()
        .unwrap();
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::slow", "TimeoutSeconds": 5,
        "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1}], "End": true}}});
    let arn = create(&s, "Sm", &def);
    let (d, history) = run(&s, &arn, &json!({}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.Timeout"));
    assert_eq!(
        history.iter().filter(|t| *t == "TaskTimedOut").count(),
        2,
        "{history:?}"
    );
    // A handler within its timeout succeeds.
    let ok = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::slow", "TimeoutSeconds": 60, "End": true}}});
    let arn = create(&s, "Ok", &ok);
    assert_eq!(output(&run(&s, &arn, &json!({})).0), json!({"slept": 10}));
}

#[test]
fn heartbeat_timeout_and_timeout_seconds_path() {
    let s = builder()
        .handler("arn:aws:states:::slow", slow(30))
        .build()
        .unwrap();
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::slow", "TimeoutSeconds": 100, "HeartbeatSeconds": 5, "End": true}}});
    let arn = create(&s, "Hb", &def);
    assert_eq!(
        run(&s, &arn, &json!({})).0.error.as_deref(),
        Some("States.HeartbeatTimeout")
    );
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::slow", "TimeoutSecondsPath": "$.t", "End": true}}});
    let arn = create(&s, "Path", &def);
    assert_eq!(
        run(&s, &arn, &json!({"t": 3})).0.error.as_deref(),
        Some("States.Timeout")
    );
    assert_eq!(run(&s, &arn, &json!({"t": 300})).0.status, "SUCCEEDED");
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    assert!(d.cause.unwrap().contains("No results for path: $['t']"));
}

#[test]
fn execution_timeout_ends_timed_out() {
    let (d, history) = run_def(
        &json!({"TimeoutSeconds": 5, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}),
        &json!({}),
    );
    assert_eq!(d.status, "TIMED_OUT");
    assert_eq!(history.last().unwrap(), "ExecutionTimedOut");
}

#[test]
fn retries_count_in_the_context_object_and_back_off_on_the_clock() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = Arc::clone(&calls);
    let s = builder()
        .handler("arn:aws:states:::flaky", move |r: TaskRequest| {
            let n = c.fetch_add(1, Ordering::SeqCst);
            async move {
                if n < 2 {
                    Err(TaskFailure::new("Flaky", format!("attempt {}", r.attempt)))
                } else {
                    Ok(json!({"attempt": r.attempt}))
                }
            }
        })
        .build()
        .unwrap();
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::flaky",
        "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 10, "BackoffRate": 3, "MaxAttempts": 5}],
        "ResultSelector": {"attempt.$": "$.attempt", "retries.$": "$$.State.RetryCount"},
        "End": true}}});
    let arn = create(&s, "Sm", &def);
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(output(&d), json!({"attempt": 2, "retries": 2}));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // 10 s then 30 s of back-off passed on the execution's clock.
    assert!((d.stop_date.unwrap() - d.start_date).num_seconds() >= 40);
}

#[test]
fn context_object_and_task_tokens() {
    // The queue hands the token to the test, which answers for the task as a worker would.
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let s = builder()
        .handler(
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            move |r: TaskRequest| {
                let seen = r.task_token.is_some() && r.parameters["token"] == json!(r.task_token);
                tx.lock()
                    .unwrap()
                    .send((seen, r.task_token.clone()))
                    .unwrap();
                async { Ok(json!({"MessageId": "m"})) }
            },
        )
        .build()
        .unwrap();
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"token.$": "$$.Task.Token"},
        "ResultSelector": {"seen.$": "$.token_seen", "exec.$": "$$.Execution.Name", "sm.$": "$$.StateMachine.Name",
                           "input.$": "$$.Execution.Input", "redrives.$": "$$.Execution.RedriveCount", "state.$": "$$.State.Name"},
        "End": true}}});
    let arn = create(&s, "Ctx", &def);
    let r = s
        .start(sfn_runtime::api::types::StartExecutionInput {
            state_machine_arn: arn,
            name: Some("run-1".into()),
            input: Some("{\"q\":true}".into()),
            trace_header: None,
        })
        .unwrap();
    let (seen, token) = rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
    s.send_task_success(sfn_runtime::api::types::SendTaskSuccessInput {
        task_token: token.unwrap(),
        output: json!({ "token_seen": seen }).to_string(),
    })
    .unwrap();
    r.wait_blocking();
    let d = sfn_runtime::api::describe(&r);
    assert_eq!(
        output(&d),
        json!({"seen": true, "exec": "run-1", "sm": "Ctx", "input": {"q": true}, "redrives": 0, "state": "T"})
    );
    let types: Vec<String> =
        r.with_progress(|p| p.history.iter().map(|e| e.event_type.to_string()).collect());
    assert!(types.contains(&"TaskSubmitted".to_string()));
}

#[test]
fn choice_fail_and_paths_through_a_workflow() {
    let def = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "InputPath": "$.order", "Choices": [
            {"And": [{"Variable": "$.total", "NumericGreaterThan": 100}, {"Variable": "$.vip", "BooleanEquals": true}], "Next": "Vip"},
            {"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Big"}
        ], "Default": "Small"},
        "Vip": {"Type": "Pass", "Result": "vip", "ResultPath": "$.class", "End": true},
        "Big": {"Type": "Fail", "ErrorPath": "$.code", "CausePath": "States.Format('total {}', $.total)"},
        "Small": {"Type": "Pass", "Parameters": {"class": "small", "total.$": "$.total"}, "OutputPath": "$.class", "End": true}
    }});
    let (d, _) = run_def(&def, &json!({"order": {"total": 500, "vip": true}}));
    assert_eq!(
        output(&d),
        json!({"total": 500, "vip": true, "class": "vip"})
    );
    let (d, history) = run_def(
        &def,
        &json!({"order": {"total": 500, "vip": false, "code": "Too.Big"}}),
    );
    assert_eq!(
        (d.error.as_deref(), d.cause.as_deref()),
        (Some("Too.Big"), Some("total 500"))
    );
    assert_eq!(
        history,
        [
            "ExecutionStarted",
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "FailStateEntered",
            "ExecutionFailed"
        ]
    );
    let (d, _) = run_def(&def, &json!({"order": {"total": 5}}));
    assert_eq!(output(&d), json!("small"));
    let no_default = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "E"}]},
        "E": {"Type": "Succeed"}}});
    assert_eq!(
        run_def(&no_default, &json!({})).0.error.as_deref(),
        Some("States.NoChoiceMatched")
    );
}

#[test]
fn runtime_errors_carry_the_state_and_event_id() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"v.$": "$.missing"}, "End": true}}});
    let (d, _) = run_def(&def, &json!({"k": 1}));
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        d.cause.as_deref(),
        Some("An error occurred while executing the state 'B' (entered at the event id #4). The JSONPath '$.missing' specified for the field 'v.$' could not be found in the input '{\"k\":1}'")
    );
}

#[test]
fn many_executions_spread_over_the_arbiters() {
    let s = sfn();
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "End": true}}});
    let arn = create_typed(&s, "Many", &def, "EXPRESS");
    let records: Vec<_> = (0..2000)
        .map(|i| start(&s, &arn, &json!({"n": i})))
        .collect();
    for (i, r) in records.iter().enumerate() {
        r.wait_blocking();
        assert_eq!(
            sfn_runtime::api::describe(r).output.unwrap(),
            format!("{{\"n\":{}}}", i + 1)
        );
    }
}
