//! Parallel and Inline Map as child actors: ordering, aborts, Retry/Catch, concurrency
//! limits, nesting, empty input.

mod common;

use common::*;
use futures::future::BoxFuture;
use serde_json::{json, Value};
use sfn_runtime::runtime::{TaskFailure, TaskRequest};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn map_of(processor: Value, extra: Value) -> Value {
    let mut m = json!({"Type": "Map", "ItemProcessor": processor, "End": true});
    m.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({"StartAt": "M", "States": {"M": m}})
}

fn task_processor(resource: &str) -> Value {
    json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": true}}})
}

/// A handler for tasks `{"n": 0..count}` that answers in reverse order of `n`: each waits
/// until the task after it has answered, so completions arrive in the opposite order of
/// the items and the output's order is the fan-out's doing.
fn in_reverse(
    count: usize,
) -> impl Fn(TaskRequest) -> BoxFuture<'static, Result<Value, TaskFailure>> + Send + Sync + 'static
{
    let gates: Arc<Vec<Gate>> = Arc::new((0..count).map(|_| Gate::default()).collect());
    gates[count - 1].open();
    move |r: TaskRequest| {
        let gates = Arc::clone(&gates);
        Box::pin(async move {
            let n = r.parameters["n"].as_u64().unwrap() as usize;
            gates[n].passed().await;
            if n > 0 {
                gates[n - 1].open();
            }
            Ok(json!({"doubled": n * 2}))
        })
    }
}

#[test]
fn map_output_is_in_item_order_whatever_the_completion_order() {
    let s = builder()
        .handler("arn:aws:states:::jitter", in_reverse(300))
        .build()
        .unwrap();
    let def = map_of(
        task_processor("arn:aws:states:::jitter"),
        json!({"ItemSelector": {"n.$": "$$.Map.Item.Value"}, "MaxConcurrency": 0}),
    );
    let arn = create_typed(&s, "Order", &def, "EXPRESS");
    let items: Vec<i64> = (0..300).collect();
    let (d, _) = run(&s, &arn, &json!(items));
    let expected: Vec<Value> = items.iter().map(|n| json!({"doubled": n * 2})).collect();
    assert_eq!(output(&d), Value::Array(expected));
}

#[test]
fn parallel_output_is_in_branch_order() {
    let s = builder()
        .handler("arn:aws:states:::jitter", in_reverse(8))
        .build()
        .unwrap();
    let branch = |n: i64| {
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::jitter",
                "Parameters": {"n": n}, "End": true}}})
    };
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel",
        "Branches": (0..8).map(branch).collect::<Vec<_>>(), "ResultPath": "$.out", "End": true}}});
    let arn = create(&s, "Par", &def);
    let (d, history) = run(&s, &arn, &json!({"keep": true}));
    let want: Vec<Value> = (0..8).map(|n| json!({"doubled": n * 2})).collect();
    assert_eq!(output(&d), json!({"keep": true, "out": want}));
    assert_eq!(
        history[1..3],
        ["ParallelStateEntered", "ParallelStateStarted"]
    );
    assert_eq!(
        history[history.len() - 3..],
        [
            "ParallelStateSucceeded",
            "ParallelStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn a_failed_iteration_fails_the_map_and_aborts_the_running_ones() {
    let s = builder()
        .handler("arn:aws:states:::maybe", |r: TaskRequest| async move {
            if r.parameters["n"] == json!(3) {
                Err(TaskFailure::new("Item.Bad", "item 3"))
            } else {
                // Never answers: only an abort ends these iterations.
                std::future::pending::<Result<Value, TaskFailure>>().await
            }
        })
        .build()
        .unwrap();
    let def = map_of(
        task_processor("arn:aws:states:::maybe"),
        json!({"ItemSelector": {"n.$": "$$.Map.Item.Value"}}),
    );
    let arn = create(&s, "Abort", &def);
    let (d, history) = run(&s, &arn, &json!((0..10).collect::<Vec<_>>()));
    assert_eq!(d.status, "FAILED");
    assert_eq!(
        (d.error.as_deref(), d.cause.as_deref()),
        (Some("Item.Bad"), Some("item 3"))
    );
    let count = |t: &str| history.iter().filter(|h| *h == t).count();
    assert_eq!(count("MapIterationStarted"), 10);
    assert_eq!(count("MapIterationFailed"), 1);
    assert_eq!(count("MapIterationAborted"), 9);
    assert_eq!(count("MapStateFailed"), 1);
    assert_eq!(history.last().unwrap(), "ExecutionFailed");
}

#[test]
fn a_failed_branch_fails_the_parallel_and_catch_handles_it() {
    let hanging = Gate::default();
    let (started, running) = (hanging.clone(), hanging);
    let s = builder()
        .handler("arn:aws:states:::hang", move |_r: TaskRequest| {
            started.open();
            std::future::pending()
        })
        .handler("arn:aws:states:::slowfail", move |_r: TaskRequest| {
            let running = running.clone();
            async move {
                // Fails once the other branch is running, so that it must be aborted.
                running.passed().await;
                Err::<Value, _>(TaskFailure::new("Branch.Failed", "second"))
            }
        })
        .build()
        .unwrap();
    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [
            {"StartAt": "H", "States": {"H": {"Type": "Task", "Resource": "arn:aws:states:::hang", "End": true}}},
            {"StartAt": "F", "States": {"F": {"Type": "Task", "Resource": "arn:aws:states:::slowfail", "End": true}}}
        ], "Catch": [{"ErrorEquals": ["Branch.Failed"], "ResultPath": "$.error", "Next": "Caught"}], "End": true},
        "Caught": {"Type": "Pass", "End": true}}});
    let arn = create(&s, "ParCatch", &def);
    let (d, history) = run(&s, &arn, &json!({"in": 1}));
    assert_eq!(
        output(&d),
        json!({"in": 1, "error": {"Error": "Branch.Failed", "Cause": "second"}})
    );
    let failed = history
        .iter()
        .position(|h| h == "ParallelStateFailed")
        .unwrap();
    // The hanging branch's Task was aborted, recorded before the state failed; nothing of
    // it comes after.
    assert_eq!(history[failed - 1], "TaskStateAborted", "{history:?}");
    assert_eq!(
        history[failed + 1..],
        [
            "ParallelStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn retry_runs_the_whole_map_again() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    let s = builder()
        .handler("arn:aws:states:::flaky", move |_r: TaskRequest| {
            let n = c.fetch_add(1, Ordering::SeqCst);
            async move {
                // The first run's only iteration fails; the retry succeeds.
                if n == 0 {
                    Err(TaskFailure::new("Flaky", "first"))
                } else {
                    Ok(json!("ok"))
                }
            }
        })
        .build()
        .unwrap();
    let def = map_of(
        task_processor("arn:aws:states:::flaky"),
        json!({"MaxConcurrency": 1, "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 2}]}),
    );
    let arn = create(&s, "Retry", &def);
    let (d, history) = run(&s, &arn, &json!([1]));
    assert_eq!(output(&d), json!(["ok"]));
    let count = |t: &str| history.iter().filter(|h| *h == t).count();
    assert_eq!(count("MapStateStarted"), 2);
    assert_eq!(count("MapStateEntered"), 1);
    assert_eq!(
        count("MapStateFailed"),
        0,
        "no MapStateFailed before a retry"
    );
}

#[test]
fn max_concurrency_is_respected() {
    for limit in [1usize, 3, 7] {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let full = Gate::default();
        let (f, p, g) = (Arc::clone(&in_flight), Arc::clone(&peak), full.clone());
        let s = builder()
            .handler("arn:aws:states:::count", move |_r: TaskRequest| {
                let (f, p, g) = (Arc::clone(&f), Arc::clone(&p), g.clone());
                async move {
                    let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                    p.fetch_max(now, Ordering::SeqCst);
                    // The first tasks wait until the window is full: had it room for more,
                    // more would run now, past the limit.
                    if now == limit {
                        g.open();
                    }
                    g.passed().await;
                    f.fetch_sub(1, Ordering::SeqCst);
                    Ok(json!(null))
                }
            })
            .build()
            .unwrap();
        let def = map_of(
            task_processor("arn:aws:states:::count"),
            json!({"MaxConcurrencyPath": "$.limit", "ItemsPath": "$.items"}),
        );
        let arn = create(&s, "Limit", &def);
        let (d, _) = run(&s, &arn, &json!({"limit": limit, "items": vec![0; 30]}));
        assert_eq!(d.status, "SUCCEEDED");
        assert_eq!(peak.load(Ordering::SeqCst), limit, "MaxConcurrency {limit}");
    }
}

#[test]
fn nested_fan_out_map_in_parallel_in_map() {
    let inner_map = json!({"Type": "Map", "ItemsPath": "$.xs", "ItemProcessor": {"StartAt": "Sq", "States": {
        "Sq": {"Type": "Pass", "Parameters": {"x.$": "$", "label.$": "States.Format('x={}', $)"}, "End": true}}}, "End": true});
    let parallel = json!({"Type": "Parallel", "Branches": [
        {"StartAt": "Inner", "States": {"Inner": inner_map}},
        {"StartAt": "Count", "States": {"Count": {"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength($.xs)"}, "End": true}}}
    ], "End": true});
    let def = json!({"StartAt": "Outer", "States": {"Outer": {"Type": "Map",
        "ItemProcessor": {"StartAt": "P", "States": {"P": parallel}}, "End": true}}});
    let (d, history) = run_def(&def, &json!([{"xs": [1, 2]}, {"xs": []}, {"xs": [3]}]));
    assert_eq!(
        output(&d),
        json!([
            [[{"x": 1, "label": "x=1"}, {"x": 2, "label": "x=2"}], {"n": 2}],
            [[], {"n": 0}],
            [[{"x": 3, "label": "x=3"}], {"n": 1}]
        ])
    );
    assert_eq!(
        history
            .iter()
            .filter(|h| *h == "ParallelStateStarted")
            .count(),
        3
    );
}

#[test]
fn map_over_an_empty_array() {
    let def = map_of(
        task_processor("arn:aws:states:::unused"),
        json!({"ResultPath": "$.out", "ItemsPath": "$.items"}),
    );
    let (d, history) = run_def(&def, &json!({"items": []}));
    assert_eq!(output(&d), json!({"items": [], "out": []}));
    assert_eq!(
        history,
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn item_selector_legacy_parameters_and_bad_items() {
    let legacy = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.xs",
        "Parameters": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "k.$": "$.k"},
        "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let (d, _) = run_def(&legacy, &json!({"k": "K", "xs": ["a", "b"]}));
    assert_eq!(
        output(&d),
        json!([{"i": 0, "v": "a", "k": "K"}, {"i": 1, "v": "b", "k": "K"}])
    );
    let (d, _) = run_def(&legacy, &json!({"k": "K", "xs": {"not": "an array"}}));
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    assert!(d
        .cause
        .unwrap()
        .ends_with("Map state input must be an array but was: {\"not\":\"an array\"}"));
}

#[test]
fn unbounded_maps_go_through_the_window() {
    let def = map_of(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, 1)"}, "End": true}}}),
        json!({"MaxConcurrency": 0}),
    );
    let s = sfn();
    let arn = create_typed(&s, "Big", &def, "EXPRESS");
    let n = 5000;
    let (d, _) = run(&s, &arn, &json!((0..n).collect::<Vec<_>>()));
    let out = output(&d);
    assert_eq!(out.as_array().unwrap().len(), n);
    assert_eq!(out[4999], json!({"v": 5000}));
}

#[test]
fn stopping_an_execution_aborts_its_children() {
    let s = builder()
        .handler("arn:aws:states:::hang", |_r: TaskRequest| {
            std::future::pending()
        })
        .build()
        .unwrap();
    let def = map_of(task_processor("arn:aws:states:::hang"), json!({}));
    let arn = create(&s, "Stop", &def);
    let r = start(&s, &arn, &json!([1, 2, 3]));
    eventually("the iterations are running", || {
        (count_events(&r, sfn_runtime::types::HistoryEventType::TaskStarted) == 3).then_some(())
    });
    s.stop_execution(sfn_runtime::api::types::StopExecutionInput {
        execution_arn: r.execution_arn.to_string(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(r.status().as_str(), "ABORTED");
    let types: Vec<&str> =
        r.with_progress(|p| p.history.iter().map(|e| e.event_type.as_str()).collect());
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == "MapIterationAborted")
            .count(),
        3
    );
    assert_eq!(*types.last().unwrap(), "ExecutionAborted");
}
