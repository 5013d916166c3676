//! Workflow variables: `Assign` and `$name` paths in JSONPath states, their scopes, their
//! history, and their survival across a redrive and a restart.

mod common;

use common::*;
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::runtime::TaskRequest;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn exited_variables(s: &sfn_runtime::api::StepFunctions, arn: &str) -> Vec<Value> {
    history_events(s, arn)
        .into_iter()
        .filter_map(|e| e.get("stateExitedEventDetails").cloned())
        .filter_map(|d| d.get("assignedVariables").cloned())
        .collect()
}

#[test]
fn assigned_values_are_read_by_later_states_through_every_path_field() {
    let def = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Result": {"n": 2, "list": [5, 6]},
                "Assign": {"n.$": "$.n", "list.$": "$.list", "name": "x", "secs": 0}, "Next": "Wait"},
        "Wait": {"Type": "Wait", "SecondsPath": "$secs", "Next": "Pick"},
        "Pick": {"Type": "Choice", "Choices": [
            {"Variable": "$n", "NumericGreaterThanPath": "$secs", "Next": "Use"}],
            "Default": "Bad"},
        "Bad": {"Type": "Fail", "Error": "Bad"},
        "Use": {"Type": "Pass", "InputPath": "$list",
                "Parameters": {"first.$": "$[0]", "name.$": "$name",
                               "sum.$": "States.MathAdd($n, $list[1])"},
                "End": true}}});
    let (d, _) = run_def(&def, &json!({}));
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    assert_eq!(output(&d), json!({"first": 5, "name": "x", "sum": 8}));
}

#[test]
fn one_assign_reads_the_values_from_before_the_state() {
    let s = sfn();
    let arn = create(
        &s,
        "Swap",
        &json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
            "B": {"Type": "Pass", "Assign": {"x.$": "$y", "y.$": "$x"}, "Next": "C"},
            "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "y.$": "$y"}, "End": true}}}),
    );
    let r = start(&s, &arn, &json!({}));
    r.wait_blocking();
    let d = describe_arn(&s, r.execution_arn.as_str());
    assert_eq!(output(&d), json!({"x": 2, "y": 1}));
    // StateExited lists each assigned value as JSON text.
    assert_eq!(
        exited_variables(&s, r.execution_arn.as_str()),
        vec![json!({"x": "1", "y": "2"}), json!({"x": "2", "y": "1"})]
    );
}

#[test]
fn a_task_assigns_from_its_selected_result_and_a_catcher_from_the_error() {
    let s = builder()
        .handler("arn:aws:states:::ok", |_r: TaskRequest| async {
            Ok(json!({"v": 7, "other": 0}))
        })
        .handler("arn:aws:states:::boom", |_r: TaskRequest| async {
            Err(sfn_runtime::runtime::TaskFailure::new("Boom", "it broke"))
        })
        .build()
        .unwrap();
    let arn = create(
        &s,
        "Tasks",
        &json!({"StartAt": "Ok", "States": {
            "Ok": {"Type": "Task", "Resource": "arn:aws:states:::ok",
                   "ResultSelector": {"picked.$": "$.v"}, "ResultPath": null,
                   "Assign": {"got.$": "$.picked"}, "Next": "Fails"},
            "Fails": {"Type": "Task", "Resource": "arn:aws:states:::boom",
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done",
                                 "Assign": {"err.$": "$.Error"}}],
                      "End": true},
            "Done": {"Type": "Pass", "Parameters": {"got.$": "$got", "err.$": "$err"}, "End": true}}}),
    );
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    assert_eq!(output(&d), json!({"got": 7, "err": "Boom"}));
}

#[test]
fn a_choice_assigns_from_the_rule_that_matched_or_for_default() {
    let def = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
                {"Variable": "$.n", "NumericEquals": 1, "Assign": {"how": "rule"}, "Next": "Out"}],
              "Default": "Out", "Assign": {"how": "default"}},
        "Out": {"Type": "Pass", "Parameters": {"how.$": "$how"}, "End": true}}});
    let (d, _) = run_def(&def, &json!({"n": 1}));
    assert_eq!(output(&d), json!({"how": "rule"}));
    let (d, _) = run_def(&def, &json!({"n": 2}));
    assert_eq!(output(&d), json!({"how": "default"}));
}

#[test]
fn iterations_read_the_outer_scope_and_keep_their_own_assignments() {
    let def = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"bias": 10, "seen": "outer"}, "Next": "M"},
        "M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Own", "States": {
                    "Own": {"Type": "Pass", "Assign": {"seen.$": "$"}, "Next": "Add"},
                    "Add": {"Type": "Pass",
                            "Parameters": {"sum.$": "States.MathAdd($, $bias)", "seen.$": "$seen"},
                            "End": true}}},
              "Next": "After"},
        "After": {"Type": "Pass", "Parameters": {"items.$": "$", "seen.$": "$seen"}, "End": true}}});
    let (d, _) = run_def(&def, &json!([1, 2]));
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    assert_eq!(
        output(&d),
        json!({"items": [{"sum": 11, "seen": 1}, {"sum": 12, "seen": 2}], "seen": "outer"})
    );
}

#[test]
fn distributed_map_children_do_not_see_the_parents_variables() {
    let def = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"secret": 1}, "Next": "M"},
        "M": {"Type": "Map", "ItemSelector": {"v.$": "$$.Map.Item.Value", "s.$": "$secret"},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "Read", "States": {
                    "Read": {"Type": "Pass", "Parameters": {"x.$": "$secret"}, "End": true}}},
              "End": true}}});
    let (d, _) = run_def(&def, &json!([1]));
    // ItemSelector runs in the parent and reads it; the child's own path finds nothing.
    assert_eq!(d.status, "FAILED");
    assert_eq!(
        d.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    let def_ok = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"secret": 1}, "Next": "M"},
        "M": {"Type": "Map", "ItemSelector": {"v.$": "$$.Map.Item.Value", "s.$": "$secret"},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "Read", "States": {"Read": {"Type": "Pass", "End": true}}},
              "End": true}}});
    let (d, _) = run_def(&def_ok, &json!([1]));
    assert_eq!(output(&d), json!([{"v": 1, "s": 1}]));
}

#[test]
fn bad_names_and_variable_result_paths_are_refused() {
    let s = sfn();
    for def in [
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"1x": 1}, "End": true}}}),
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"states": 1}, "End": true}}}),
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": [1], "End": true}}}),
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$x", "End": true}}}),
        json!({"StartAt": "A", "States": {"A": {"Type": "Succeed", "Assign": {"x": 1}}}}),
    ] {
        let e = s
            .create_state_machine(CreateStateMachineInput {
                name: "Bad".into(),
                definition: def.to_string(),
                role_arn: ROLE.into(),
                r#type: None,
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.name(), "InvalidDefinition", "{def}");
    }
}

#[test]
fn an_unknown_variable_fails_the_state_as_a_missing_path_does() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"x.$": "$nope"}, "End": true}}});
    let (d, _) = run_def(&def, &json!({}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    assert!(d.cause.unwrap().contains("$nope"));
}

/// A service on `dir` whose `flaky` task fails, and whose `slow` task never answers, while
/// `fail` is set; both answer with their parameters once it is not.
fn flaky_service(dir: &std::path::Path, fail: Arc<AtomicBool>) -> sfn_runtime::api::StepFunctions {
    let slow = Arc::clone(&fail);
    builder()
        .data_dir(dir)
        .handler("arn:aws:states:::slow", move |r: TaskRequest| {
            let hang = slow.load(Ordering::SeqCst);
            async move {
                if hang {
                    futures::future::pending::<()>().await;
                }
                Ok(r.parameters)
            }
        })
        .handler("arn:aws:states:::flaky", move |r: TaskRequest| {
            let fail = fail.load(Ordering::SeqCst);
            async move {
                if fail {
                    Err(sfn_runtime::runtime::TaskFailure::new("Flaky", "not yet"))
                } else {
                    Ok(r.parameters)
                }
            }
        })
        .build()
        .unwrap()
}

/// Redrives the execution and waits for its end.
fn redrive_to_end(s: &sfn_runtime::api::StepFunctions, arn: &str) -> DescribeExecutionOutput {
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: arn.to_string(),
        client_token: None,
    })
    .unwrap();
    wait_end(s, arn)
}

/// The failed state reads a variable assigned before it: a redrive in the same process, and
/// one by a new process on the data directory, must both still have it.
#[test]
fn a_redrive_keeps_the_variables_also_after_a_restart() {
    let dir = temp_dir("vars");
    let def = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"k": "kept"}, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::flaky",
              "Parameters": {"k.$": "$k"}, "End": true}}});
    let fail = Arc::new(AtomicBool::new(true));
    let service = |fail: Arc<AtomicBool>| flaky_service(&dir, fail);
    let arn = {
        let s = service(Arc::clone(&fail));
        let sm = create(&s, "Vars", &def);
        let r = start(&s, &sm, &json!({}));
        r.wait_blocking();
        assert_eq!(describe_arn(&s, r.execution_arn.as_str()).status, "FAILED");
        // A redrive in the same process fails again, still reading the variable.
        let d = redrive_to_end(&s, r.execution_arn.as_str());
        assert_eq!(d.status, "FAILED");
        assert_eq!(d.error.as_deref(), Some("Flaky"), "{:?}", d.cause);
        r.execution_arn.clone()
    };
    fail.store(false, Ordering::SeqCst);
    let s = service(fail);
    let d = redrive_to_end(&s, arn.as_str());
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    assert_eq!(output(&d), json!({"k": "kept"}));
}

/// A branch that assigned a variable and was then aborted (its sibling failed), and one
/// that assigned and failed: a redrive resumes both where they stopped, with their own
/// variables, in the same process and in a new one on the data directory.
#[test]
fn branches_keep_their_own_variables_when_aborted_and_after_a_restart() {
    let dir = temp_dir("branch-vars");
    let branch = |set: Value, task: &str, read: &str| {
        json!({"StartAt": "Set", "States": {
            "Set": {"Type": "Pass", "Assign": set, "Next": "T"},
            "T": {"Type": "Task", "Resource": task, "Next": "Read"},
            "Read": {"Type": "Pass", "Parameters": {"v.$": read}, "End": true}}})
    };
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
        "Branches": [
            branch(json!({"mine": "zero"}), "arn:aws:states:::slow", "$mine"),
            branch(json!({"theirs": "one"}), "arn:aws:states:::flaky", "$theirs")]}}});
    let fail = Arc::new(AtomicBool::new(true));
    let service = |fail: Arc<AtomicBool>| flaky_service(&dir, fail);
    let arn = {
        let s = service(Arc::clone(&fail));
        let sm = create(&s, "BranchVars", &def);
        let r = start(&s, &sm, &json!({}));
        r.wait_blocking();
        let d = describe_arn(&s, r.execution_arn.as_str());
        assert_eq!(d.error.as_deref(), Some("Flaky"));
        let d = redrive_to_end(&s, r.execution_arn.as_str());
        assert_eq!(d.error.as_deref(), Some("Flaky"), "{:?}", d.cause);
        r.execution_arn.clone()
    };
    fail.store(false, Ordering::SeqCst);
    let s = service(fail);
    let d = redrive_to_end(&s, arn.as_str());
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    assert_eq!(output(&d), json!([{"v": "zero"}, {"v": "one"}]));
}
