//! The control API: AWS operation semantics and every bad input's typed error.

mod common;

use common::*;
use serde_json::json;
use sfn_runtime::api::types::*;
use sfn_runtime::runtime::{TaskFailure, TaskRequest};

fn pass_def() -> serde_json::Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})
}

#[test]
fn create_state_machine_errors() {
    let s = sfn();
    let mk = |name: &str, def: String, ty: Option<&str>| {
        s.create_state_machine(CreateStateMachineInput {
            name: name.into(),
            definition: def,
            role_arn: ROLE.into(),
            r#type: ty.map(String::from),
            ..Default::default()
        })
    };
    assert_eq!(
        mk("bad name", pass_def().to_string(), None)
            .unwrap_err()
            .name(),
        "InvalidName"
    );
    assert_eq!(
        mk("", pass_def().to_string(), None).unwrap_err().name(),
        "InvalidName"
    );
    let e = mk("X", "{nope".into(), None).unwrap_err();
    assert_eq!(e.name(), "InvalidDefinition");
    assert!(e.message().contains("INVALID_JSON_DESCRIPTION"));
    let e = mk(
        "X",
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}).to_string(),
        None,
    )
    .unwrap_err();
    assert_eq!(e.name(), "InvalidDefinition");
    assert!(e.message().contains("/States/A"), "{}", e.message());
    assert_eq!(
        mk("X", pass_def().to_string(), Some("FAST"))
            .unwrap_err()
            .name(),
        "ValidationException"
    );
    let first = mk("Same", pass_def().to_string(), None).unwrap();
    let again = mk("Same", pass_def().to_string(), None).unwrap();
    assert_eq!(
        first.state_machine_arn, again.state_machine_arn,
        "identical create is idempotent"
    );
    let other = json!({"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}});
    assert_eq!(
        mk("Same", other.to_string(), None).unwrap_err().name(),
        "StateMachineAlreadyExists"
    );
}

#[test]
fn state_machine_lookups() {
    let s = sfn();
    let arn = create(&s, "Sm", &pass_def());
    let d = s
        .describe_state_machine(StateMachineArnInput {
            state_machine_arn: arn.clone(),
        })
        .unwrap();
    assert_eq!(d.name, "Sm");
    assert_eq!(d.r#type, "STANDARD");
    let bad = |a: &str| {
        s.describe_state_machine(StateMachineArnInput {
            state_machine_arn: a.into(),
        })
        .unwrap_err()
        .name()
    };
    assert_eq!(bad("not-an-arn"), "InvalidArn");
    assert_eq!(
        bad("arn:aws:states:us-east-1:123456789012:stateMachine:Missing"),
        "StateMachineDoesNotExist"
    );
    for i in 0..3 {
        create(&s, &format!("More{i}"), &pass_def());
    }
    let page = s
        .list_state_machines(PageInput {
            max_results: Some(2),
            next_token: None,
        })
        .unwrap();
    assert_eq!(page.state_machines.len(), 2);
    let rest = s
        .list_state_machines(PageInput {
            max_results: Some(2),
            next_token: page.next_token,
        })
        .unwrap();
    assert_eq!(rest.state_machines.len(), 2);
    assert!(rest.next_token.is_none());
    s.delete_state_machine(StateMachineArnInput {
        state_machine_arn: arn.clone(),
    })
    .unwrap();
    assert_eq!(bad(&arn), "StateMachineDoesNotExist");
}

#[test]
fn start_execution_errors() {
    let s = builder().payload_limit(1000).build().unwrap();
    let arn = create(&s, "Sm", &pass_def());
    let start = |name: Option<&str>, input: &str| {
        s.start_execution(StartExecutionInput {
            state_machine_arn: arn.clone(),
            name: name.map(String::from),
            input: Some(input.into()),
            trace_header: None,
        })
    };
    assert_eq!(
        start(None, "{bad").unwrap_err().name(),
        "InvalidExecutionInput"
    );
    assert_eq!(
        start(None, &format!("\"{}\"", "x".repeat(2000)))
            .unwrap_err()
            .name(),
        "ValidationException"
    );
    assert_eq!(start(Some("a b"), "{}").unwrap_err().name(), "InvalidName");
    assert_eq!(
        start(Some(&"n".repeat(81)), "{}").unwrap_err().name(),
        "InvalidName"
    );
    let bad_sm = s.start_execution(StartExecutionInput {
        state_machine_arn: "arn:nope".into(),
        ..Default::default()
    });
    assert_eq!(bad_sm.unwrap_err().name(), "InvalidArn");
    let first = start(Some("once"), "{}").unwrap();
    wait_end(&s, &first.execution_arn);
    assert_eq!(
        start(Some("once"), "{}").unwrap_err().name(),
        "ExecutionAlreadyExists"
    );
}

#[test]
fn same_name_and_input_while_running_returns_the_running_execution() {
    let s = builder()
        .handler("arn:aws:states:::never", |_r: TaskRequest| {
            std::future::pending()
        })
        .build()
        .unwrap();
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::never", "End": true}}});
    let arn = create(&s, "Sm", &def);
    let req = |input: &str| StartExecutionInput {
        state_machine_arn: arn.clone(),
        name: Some("dup".into()),
        input: Some(input.into()),
        trace_header: None,
    };
    let a = s.start_execution(req("{}")).unwrap();
    let b = s.start_execution(req("{}")).unwrap();
    assert_eq!(a.execution_arn, b.execution_arn);
    assert_eq!(
        s.start_execution(req("{\"x\":1}")).unwrap_err().name(),
        "ExecutionAlreadyExists"
    );
    // StopExecution ends it ABORTED with the given error and cause.
    s.stop_execution(StopExecutionInput {
        execution_arn: a.execution_arn.clone(),
        error: Some("Manual".into()),
        cause: Some("test".into()),
    })
    .unwrap();
    let d = s
        .describe_execution(ExecutionArnInput {
            execution_arn: a.execution_arn.clone(),
        })
        .unwrap();
    assert_eq!(d.status, "ABORTED");
    assert_eq!(d.error.as_deref(), Some("Manual"));
    assert_eq!(d.redrive_status, "REDRIVABLE");
    let h = s
        .get_execution_history(GetExecutionHistoryInput {
            execution_arn: a.execution_arn,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(h.events.last().unwrap()["type"], "ExecutionAborted");
    assert_eq!(
        h.events.last().unwrap()["executionAbortedEventDetails"]["cause"],
        "test"
    );
}

#[test]
fn describe_and_history_errors() {
    let s = sfn();
    let d = |a: &str| {
        s.describe_execution(ExecutionArnInput {
            execution_arn: a.into(),
        })
        .unwrap_err()
        .name()
    };
    assert_eq!(
        d("arn:aws:states:us-east-1:123456789012:stateMachine:X"),
        "InvalidArn"
    );
    assert_eq!(
        d("arn:aws:states:us-east-1:123456789012:execution:X:y"),
        "ExecutionDoesNotExist"
    );
    let arn = create(&s, "Sm", &pass_def());
    let r = start(&s, &arn, &json!({}));
    r.wait_blocking();
    let bad_token = s.get_execution_history(GetExecutionHistoryInput {
        execution_arn: r.execution_arn.to_string(),
        next_token: Some("garbage".into()),
        ..Default::default()
    });
    assert_eq!(bad_token.unwrap_err().name(), "InvalidToken");
}

#[test]
fn history_pages_and_reverses() {
    let s = sfn();
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "End": true}}});
    let arn = create(&s, "Sm", &def);
    let r = start(&s, &arn, &json!({"k": 1}));
    r.wait_blocking();
    let all = s
        .get_execution_history(GetExecutionHistoryInput {
            execution_arn: r.execution_arn.to_string(),
            ..Default::default()
        })
        .unwrap();
    let ids: Vec<u64> = all
        .events
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, (1..=8).collect::<Vec<_>>());
    for e in &all.events {
        assert_eq!(
            e["previousEventId"].as_u64().unwrap(),
            e["id"].as_u64().unwrap() - 1
        );
    }
    assert_eq!(all.events[1]["stateEnteredEventDetails"]["name"], "A");
    assert_eq!(
        all.events[1]["stateEnteredEventDetails"]["input"],
        "{\"k\":1}"
    );
    let p1 = s
        .get_execution_history(GetExecutionHistoryInput {
            execution_arn: r.execution_arn.to_string(),
            max_results: Some(3),
            reverse_order: true,
            next_token: None,
        })
        .unwrap();
    assert_eq!(p1.events[0]["type"], "ExecutionSucceeded");
    assert_eq!(p1.events.len(), 3);
    let p2 = s
        .get_execution_history(GetExecutionHistoryInput {
            execution_arn: r.execution_arn.to_string(),
            max_results: Some(3),
            reverse_order: true,
            next_token: p1.next_token,
        })
        .unwrap();
    assert_eq!(p2.events[0]["id"], 5);
}

#[test]
fn list_executions_filters_and_express_is_not_listed() {
    let s = sfn();
    let ok = create(&s, "Ok", &pass_def());
    let failing = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}});
    let bad = create(&s, "Bad", &failing);
    for _ in 0..3 {
        start(&s, &ok, &json!({})).wait_blocking();
    }
    start(&s, &bad, &json!({})).wait_blocking();
    let list = |arn: &str, status: Option<&str>| {
        s.list_executions(ListExecutionsInput {
            state_machine_arn: Some(arn.into()),
            status_filter: status.map(String::from),
            ..Default::default()
        })
    };
    assert_eq!(list(&ok, None).unwrap().executions.len(), 3);
    assert_eq!(list(&ok, Some("FAILED")).unwrap().executions.len(), 0);
    assert_eq!(list(&bad, Some("FAILED")).unwrap().executions.len(), 1);
    assert_eq!(
        list(&ok, Some("NOPE")).unwrap_err().name(),
        "ValidationException"
    );
    let not_redriven = s
        .list_executions(ListExecutionsInput {
            state_machine_arn: Some(ok.clone()),
            redrive_filter: Some("NOT_REDRIVEN".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(not_redriven.executions.len(), 3);
    let express = create_typed(&s, "Fast", &pass_def(), "EXPRESS");
    assert_eq!(
        list(&express, None).unwrap_err().name(),
        "StateMachineTypeNotSupported"
    );
    let (d, history) = run(&s, &express, &json!({"a": 1}));
    assert_eq!(d.status, "SUCCEEDED");
    assert!(history.is_empty(), "EXPRESS executions keep no history");
}

#[test]
fn payload_limit_inside_an_execution_is_data_limit_exceeded_and_not_caught_by_all() {
    let s = builder().payload_limit(100).build().unwrap();
    let def = json!({"StartAt": "Big", "States": {
        "Big": {"Type": "Pass", "Result": "x".repeat(200), "Next": "End"},
        "End": {"Type": "Succeed"}}});
    let arn = create(&s, "Sm", &def);
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.DataLimitExceeded"));
}

#[test]
fn mock_config_through_the_api() {
    let cfg = sfn_runtime::runtime::mock::MockConfig::from_value(&json!({
        "StateMachines": {"Sm": {"TestCases": {"Happy": {"T": "Ok"}}}},
        "MockedResponses": {"Ok": {"0": {"Return": {"v": 1}}}}
    }))
    .unwrap();
    let s = builder().mock_config(cfg).build().unwrap();
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}});
    let arn = create(&s, "Sm", &def);
    let (d, _) = run(&s, &format!("{arn}#Happy"), &json!({}));
    assert_eq!(output(&d), json!({"v": 1}));
    let e = s.start_execution(StartExecutionInput {
        state_machine_arn: format!("{arn}#Nope"),
        ..Default::default()
    });
    assert_eq!(e.unwrap_err().name(), "ValidationException");
    // Without a test case and without a handler, the task fails and says what is missing.
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.error.as_deref(), Some("States.TaskFailed"));
    assert!(d.cause.unwrap().contains("arn:aws:states:::lambda:invoke"));
}

#[test]
fn handlers_receive_parameters_and_their_failures_reach_catch() {
    let s = builder()
        .handler("arn:aws:states:::fail", |r: TaskRequest| async move {
            Err::<serde_json::Value, _>(TaskFailure::new(
                "Custom.Error",
                format!("got {}", r.parameters),
            ))
        })
        .build()
        .unwrap();
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::fail", "Parameters": {"x.$": "$.in"},
              "Catch": [{"ErrorEquals": ["Custom.Error"], "ResultPath": "$.err", "Next": "Done"}], "End": true},
        "Done": {"Type": "Succeed"}}});
    let arn = create(&s, "Sm", &def);
    let (d, history) = run(&s, &arn, &json!({"in": 7}));
    assert_eq!(
        output(&d),
        json!({"in": 7, "err": {"Error": "Custom.Error", "Cause": "got {\"x\":7}"}})
    );
    assert_eq!(
        history,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
}
