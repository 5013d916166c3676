//! The retention of ended STANDARD executions: at most the set number stay in memory;
//! with a data directory one that went is read back when an operation names it.

mod common;

use common::*;
use serde_json::json;
use sfn_runtime::api::types::*;
use sfn_runtime::api::StepFunctions;
use std::sync::Arc;

fn listed(s: &StepFunctions, arn: &str) -> usize {
    s.list_executions(ListExecutionsInput {
        state_machine_arn: Some(arn.into()),
        max_results: Some(1000),
        ..Default::default()
    })
    .unwrap()
    .executions
    .len()
}

fn pass() -> serde_json::Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})
}

#[test]
fn only_the_newest_ended_executions_stay_in_memory() {
    let s = builder().retain_executions(5).build().unwrap();
    let arn = create(&s, "Kept", &pass());
    let first = start(&s, &arn, &json!({"n": 0}));
    first.wait_blocking();
    let weak = Arc::downgrade(&first);
    let first_arn = first.execution_arn.to_string();
    drop(first);
    for n in 1..40 {
        start(&s, &arn, &json!({ "n": n })).wait_blocking();
    }
    start(&s, &arn, &json!({"n": 40})).wait_blocking();
    assert_eq!(listed(&s, &arn), 5);
    assert!(weak.upgrade().is_none(), "the oldest record was let go");
    let e = s
        .describe_execution(ExecutionArnInput {
            execution_arn: first_arn,
        })
        .unwrap_err();
    assert_eq!(e.name(), "ExecutionDoesNotExist");
}

#[test]
fn with_a_data_directory_a_forgotten_execution_is_read_back() {
    let dir = temp_dir("retention");
    let s = builder()
        .data_dir(dir.path())
        .retain_executions(3)
        .build()
        .unwrap();
    let arn = create(&s, "Disk", &pass());
    let first = start(&s, &arn, &json!({"n": 0}));
    first.wait_blocking();
    let first_arn = first.execution_arn.to_string();
    drop(first);
    for n in 1..30 {
        start(&s, &arn, &json!({ "n": n })).wait_blocking();
    }
    assert!(listed(&s, &arn) < 30);
    let d = describe_arn(&s, &first_arn);
    assert_eq!(
        (d.status.as_str(), d.input.as_str()),
        ("SUCCEEDED", "{\"n\":0}")
    );
    assert_eq!(
        history_types(&s, &first_arn),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn after_a_restart_the_executions_read_from_disk_count_against_the_retention() {
    let dir = temp_dir("retention-restart");
    let first_arn = {
        let s = builder().data_dir(dir.path()).build().unwrap();
        let arn = create(&s, "Again", &pass());
        let first = start(&s, &arn, &json!({"n": 0}));
        first.wait_blocking();
        for n in 1..20 {
            start(&s, &arn, &json!({ "n": n })).wait_blocking();
        }
        assert_eq!(listed(&s, &arn), 20);
        first.execution_arn.to_string()
    };
    let s = builder()
        .data_dir(dir.path())
        .retain_executions(3)
        .build()
        .unwrap();
    let arn = first_arn
        .replace(":execution:", ":stateMachine:")
        .rsplit_once(':')
        .unwrap()
        .0
        .to_string();
    assert_eq!(listed(&s, &arn), 3);
    assert_eq!(describe_arn(&s, &first_arn).status, "SUCCEEDED");
}
