//! TestState through the SDK (which sends it to the `sync-` host, taken off again by the
//! client's interceptor), with a mock, DEBUG inspection data and a refused request.

use super::client;
use crate::common::serve::Server;
use aws_sdk_sfn::types::{InspectionLevel, MockInput, TestExecutionStatus};

#[tokio::test]
async fn test_state_through_the_sdk() {
    let server = Server::start(&[]);
    let c = client(&server);
    let state = r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
        "Parameters":{"FunctionName":"f","Payload.$":"$"},"ResultSelector":{"p.$":"$.Payload"},
        "Next":"After"}"#;
    let out = c
        .test_state()
        .definition(state)
        .input(r#"{"n": 2}"#)
        .inspection_level(InspectionLevel::Debug)
        .mock(
            MockInput::builder()
                .result(r#"{"Payload": {"double": 4}}"#)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), Some(&TestExecutionStatus::Succeeded));
    assert_eq!(out.next_state(), Some("After"));
    assert_eq!(out.output(), Some(r#"{"p":{"double":4}}"#));
    let data = out.inspection_data().unwrap();
    assert_eq!(
        data.after_parameters(),
        Some(r#"{"FunctionName":"f","Payload":{"n":2}}"#)
    );
    let e = c
        .test_state()
        .definition(r#"{"Type":"Pass","End":true}"#)
        .mock(MockInput::builder().result("1").build())
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error().unwrap().is_validation_exception(),
        "{e:?}"
    );
}
