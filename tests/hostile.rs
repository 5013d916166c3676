//! Definitions and inputs built to break the runtime: each fails its own execution (or its
//! validation) with a typed error and never takes the process, an arbiter or another
//! execution down.

mod common;

use common::*;
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::{TaskFailure, TaskRequest};

fn one_worker() -> StepFunctions {
    // One arbiter: an execution that killed it would take every other one with it.
    builder()
        .workers(1)
        .handler("arn:aws:states:::echo", |r: TaskRequest| async move {
            Ok(r.parameters)
        })
        .handler("arn:aws:states:::panics-when-called", |_r: TaskRequest| {
            if true {
                panic!("called to panic");
            }
            async { Ok(json!(null)) }
        })
        .handler(
            "arn:aws:states:::panics-when-polled",
            |_r: TaskRequest| async {
                panic!("polled to panic");
                #[allow(unreachable_code)]
                Ok::<Value, TaskFailure>(json!(null))
            },
        )
        .build()
        .unwrap()
}

/// Runs `def` on `s` and checks that an ordinary execution on the same arbiter still runs.
fn run_then_check_alive(s: &StepFunctions, def: &Value, input: Value) -> DescribeExecutionOutput {
    let name = format!("H{}", rand::random::<u32>());
    let arn = create(s, &name, def);
    let (d, _) = run(s, &arn, &input);
    let ok = create(
        s,
        &format!("{name}-ok"),
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "alive", "End": true}}}),
    );
    let (after, _) = run(s, &ok, &json!({}));
    assert_eq!(after.status, "SUCCEEDED", "the runtime survived");
    d
}

#[test]
fn a_slice_at_the_ends_of_i64_selects_instead_of_overflowing() {
    let s = one_worker();
    for path in [
        "$[1::9223372036854775807]",
        "$[-9223372036854775808:]",
        "$[::-9223372036854775808]",
        "$[9223372036854775807:-9223372036854775808:-9223372036854775807]",
    ] {
        let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": path, "End": true}}});
        let d = run_then_check_alive(&s, &def, json!([10, 11, 12]));
        assert_eq!(d.status, "SUCCEEDED", "{path}: {:?}", d.cause);
    }
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$[1::9223372036854775807]", "End": true}}});
    assert_eq!(
        output(&run_then_check_alive(&s, &def, json!([10, 11, 12]))),
        json!([11])
    );
    // Inside a Map iteration, where a dead child used to leave its parent waiting forever.
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$[1::9223372036854775807]", "End": true}}},
        "End": true}}});
    let d = run_then_check_alive(&s, &def, json!([[1, 2], [3, 4]]));
    assert_eq!(output(&d), json!([[2], [4]]));
}

#[test]
fn a_panic_fails_only_its_own_execution() {
    let s = one_worker();
    let task = |resource: &str| json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": true}}});
    // The handler panics as the state calls it: the state's step fails.
    let d = run_then_check_alive(&s, &task("arn:aws:states:::panics-when-called"), json!({}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    let cause = d.cause.unwrap();
    assert!(
        cause.contains("'T'") && cause.contains("called to panic"),
        "{cause}"
    );
    // The handler's future panics: its task fails, as a crashed Lambda function's does.
    let d = run_then_check_alive(&s, &task("arn:aws:states:::panics-when-polled"), json!({}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.TaskFailed"));
    assert!(d.cause.unwrap().contains("polled to panic"));
    // Inside a Map iteration, the Map fails and the execution ends.
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::panics-when-called", "End": true}}},
        "End": true}}});
    let d = run_then_check_alive(&s, &def, json!([1, 2, 3]));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
}

#[test]
fn filters_nested_past_the_limit_are_a_diagnostic_and_long_chains_stay_flat() {
    let deep = format!("$[?({}@.a{})]", "(".repeat(20_000), ")".repeat(20_000));
    let nots = format!("$[?({}@.a)]", "!".repeat(100_000));
    for path in [deep, nots] {
        let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": path, "End": true}}});
        let report = sfn_runtime::asl::validate(&def.to_string());
        assert!(!report.is_ok());
        let text = serde_json::to_string(&report).unwrap();
        assert!(
            text.contains("nested more than 64"),
            "{}",
            &text[..text.len().min(300)]
        );
        let s = sfn();
        let e = s
            .create_state_machine(CreateStateMachineInput {
                name: "Deep".into(),
                definition: def.to_string(),
                role_arn: ROLE.into(),
                r#type: None,
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.name(), "InvalidDefinition");
    }
    // 50,000 terms joined by && are one flat filter: validated, run and dropped.
    let chain = format!("$[?({})]", vec!["@.a"; 50_000].join(" && "));
    let def =
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": chain, "End": true}}});
    let d = run_then_check_alive(&one_worker(), &def, json!([{"a": 1}, {"b": 2}]));
    assert_eq!(output(&d), json!([{"a": 1}]));
}

#[test]
fn a_value_wrapped_in_itself_fails_its_state_before_it_overflows_the_stack() {
    let def = json!({"StartAt": "Wrap", "States": {
        "Wrap": {"Type": "Pass", "Parameters": {"w.$": "$"}, "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "Wrap"},
        "Done": {"Type": "Succeed"}}});
    let d = run_then_check_alive(&one_worker(), &def, json!({}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    assert!(d.cause.unwrap().contains("nested more than 127"));
}

#[test]
fn a_standard_loop_that_never_ends_fails_at_the_history_limit() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "A"},
        "Done": {"Type": "Succeed"}}});
    let s = one_worker();
    let d = run_then_check_alive(&s, &def, json!({}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    let mut events: Vec<Value> = Vec::new();
    let mut token = None;
    loop {
        let page = s
            .get_execution_history(GetExecutionHistoryInput {
                execution_arn: d.execution_arn.clone(),
                max_results: Some(1000),
                reverse_order: false,
                next_token: token,
            })
            .unwrap();
        events.extend(page.events);
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert!(
        (24_990..=25_000).contains(&events.len()),
        "{} events",
        events.len()
    );
    assert_eq!(events.last().unwrap()["type"], "ExecutionFailed");
    // The Wait seconds of a loop on virtual time add up past any date chrono knows.
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "W2"},
        "W2": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "W"},
        "Done": {"Type": "Succeed"}}});
    let d = run_then_check_alive(&s, &def, json!({"s": 2147483647}));
    assert_eq!(d.status, "FAILED", "{:?}", d.cause);
}

#[test]
fn an_express_execution_ends_at_five_minutes() {
    let s = one_worker();
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 10, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "W"},
        "Done": {"Type": "Succeed"}}});
    let arn = create_typed(&s, "Forever", &def, "EXPRESS");
    let r = start(&s, &arn, &json!({}));
    r.wait_blocking();
    let d = sfn_runtime::api::describe(&r);
    assert_eq!(d.status, "TIMED_OUT");
    let took = d.stop_date.unwrap() - d.start_date;
    assert_eq!(took.num_seconds(), 300, "{took}");
}

#[test]
fn selections_that_multiply_fail_instead_of_filling_memory() {
    let mut doc = json!(1);
    for _ in 0..100 {
        doc = json!({ "a": doc });
    }
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"n.$": "States.ArrayLength($..a..a..a..a)"}, "End": true}}});
    let d = run_then_check_alive(&one_worker(), &def, doc);
    assert_eq!(d.status, "FAILED");
    let cause = d.cause.unwrap();
    assert!(cause.contains("selects more than"), "{cause}");
}

#[test]
fn timeouts_and_waits_far_in_the_future_do_not_overflow() {
    let s = one_worker();
    for t in [10_000_000_000_000u64, 9_300_000_000_000_000, u64::MAX] {
        let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::echo", "TimeoutSecondsPath": "$.t", "End": true}}});
        let d = run_then_check_alive(&s, &def, json!({ "t": t }));
        assert_eq!(d.status, "SUCCEEDED", "{t}: {:?}", d.cause);
    }
}

#[test]
fn an_item_selector_that_copies_the_input_per_item_is_bounded() {
    // 2,000 items, each given the whole 250 KB input: 500 MB if built (60,000 of them,
    // 15 GB, aborted the process).
    let input = json!({"items": vec![0; 2_000], "pad": "x".repeat(250_000)});
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ItemSelector": {"all.$": "$"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}},
        "End": true}}});
    let d = run_then_check_alive(&one_worker(), &def, input);
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.DataLimitExceeded"));
}
