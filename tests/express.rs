//! EXPRESS executions as AWS answers for them: their ARNs are `express:` ARNs unique
//! whatever the name, the execution operations refuse them, and the service keeps nothing
//! of them once they end.

mod common;

use common::*;
use serde_json::json;
use sfn_runtime::api::describe;
use sfn_runtime::api::types::*;
use std::sync::Arc;

fn express_machine(s: &sfn_runtime::api::StepFunctions) -> String {
    create_typed(
        s,
        "Quick",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": true}, "End": true}}}),
        "EXPRESS",
    )
}

#[test]
fn the_execution_operations_refuse_an_express_execution_as_aws_does() {
    let s = sfn();
    let arn = express_machine(&s);
    let r = start(&s, &arn, &json!({}));
    r.wait_blocking();
    assert_eq!(describe(&r).status, "SUCCEEDED");
    let exec = r.execution_arn.to_string();
    assert!(
        exec.starts_with("arn:aws:states:us-east-1:123456789012:express:Quick:"),
        "{exec}"
    );
    let invalid = |e: sfn_runtime::api::ApiError| {
        assert_eq!(e.name(), "InvalidArn", "{e}");
        assert!(e.message().contains("express"), "{e}");
    };
    let by_arn = || ExecutionArnInput {
        execution_arn: exec.clone(),
    };
    invalid(s.describe_execution(by_arn()).unwrap_err());
    invalid(
        s.describe_state_machine_for_execution(by_arn())
            .unwrap_err(),
    );
    invalid(
        s.get_execution_history(GetExecutionHistoryInput {
            execution_arn: exec.clone(),
            ..Default::default()
        })
        .unwrap_err(),
    );
    invalid(
        s.stop_execution(StopExecutionInput {
            execution_arn: exec.clone(),
            ..Default::default()
        })
        .unwrap_err(),
    );
    let e = s
        .redrive_execution(RedriveExecutionInput {
            execution_arn: exec.clone(),
            client_token: None,
        })
        .unwrap_err();
    assert_eq!(e.name(), "ExecutionNotRedrivable");
    let e = s
        .list_executions(ListExecutionsInput {
            state_machine_arn: Some(arn.clone()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.name(), "StateMachineTypeNotSupported");
}

#[test]
fn express_names_need_not_be_unique() {
    let s = sfn();
    let arn = express_machine(&s);
    let named = || StartExecutionInput {
        state_machine_arn: arn.clone(),
        name: Some("same".into()),
        ..Default::default()
    };
    let a = s.start(named()).unwrap();
    let b = s.start(named()).unwrap();
    a.wait_blocking();
    b.wait_blocking();
    assert_ne!(a.execution_arn, b.execution_arn);
    assert_eq!((a.name.as_str(), b.name.as_str()), ("same", "same"));
    assert_eq!(a.execution_arn.name(), "same");
    assert_eq!(describe(&b).status, "SUCCEEDED");
}

#[test]
fn the_service_keeps_nothing_of_an_ended_express_execution() {
    let s = sfn();
    let arn = express_machine(&s);
    let ended: Vec<_> = (0..200)
        .map(|_| {
            let r = start(&s, &arn, &json!({"n": 1}));
            r.wait_blocking();
            Arc::downgrade(&r)
        })
        .collect();
    // Once the caller lets go of its handle, nothing else holds the record.
    eventually("every ended Express record is freed", || {
        ended.iter().all(|w| w.upgrade().is_none()).then_some(())
    });
    // STANDARD executions stay: DescribeExecution and ListExecutions find them.
    let standard = create(
        &s,
        "Kept",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    );
    let r = start(&s, &standard, &json!({}));
    r.wait_blocking();
    let kept = Arc::downgrade(&r);
    drop(r);
    assert!(kept.upgrade().is_some());
}
