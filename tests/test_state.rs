//! TestState: each state type's step with its inspection data, mocks, Retry and Catch
//! statuses, a state of a whole definition, the context and variables given, the errors
//! AWS gives for requests it refuses, and the HTTP Task against a server the test starts.

mod common;

use common::*;
use futures::executor::block_on;
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::api::{ApiError, StepFunctions};
use sfn_runtime::runtime::TaskRequest;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

fn test(s: &StepFunctions, req: TestStateInput) -> TestStateOutput {
    block_on(s.test_state(req)).unwrap_or_else(|e| panic!("{e}"))
}

fn req(state: Value, input: Value) -> TestStateInput {
    TestStateInput {
        definition: state.to_string(),
        input: Some(input.to_string()),
        inspection_level: Some("DEBUG".into()),
        ..Default::default()
    }
}

fn json_of(text: &Option<String>) -> Value {
    serde_json::from_str(text.as_deref().expect("present")).unwrap()
}

fn mock_result(v: Value) -> Option<MockInput> {
    Some(MockInput {
        result: Some(v.to_string()),
        ..Default::default()
    })
}

fn mock_error(error: &str) -> Option<MockInput> {
    Some(MockInput {
        error_output: Some(MockErrorOutput {
            error: Some(error.into()),
            cause: Some("it broke".into()),
        }),
        ..Default::default()
    })
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

#[test]
fn a_pass_state_shows_each_stage_and_its_assigned_variables() {
    let s = sfn();
    let state = json!({"Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b", "seen.$": "$old"},
        "ResultPath": "$.r", "OutputPath": "$.r", "Assign": {"v.$": "$.x"}, "Next": "After"});
    let mut r = req(state, json!({"a": {"b": 5}}));
    r.variables = Some(json!({"old": "o"}).to_string());
    let out = test(&s, r);
    assert_eq!(out.status, "SUCCEEDED");
    assert_eq!(out.next_state.as_deref(), Some("After"));
    assert_eq!(json_of(&out.output), json!({"x": 5, "seen": "o"}));
    let d = out.inspection_data.unwrap();
    assert_eq!(json_of(&d.after_input_path), json!({"b": 5}));
    assert_eq!(json_of(&d.after_parameters), json!({"x": 5, "seen": "o"}));
    assert_eq!(
        json_of(&d.after_result_path),
        json!({"a": {"b": 5}, "r": {"x": 5, "seen": "o"}})
    );
    assert_eq!(json_of(&d.variables), json!({"old": "o", "v": 5}));
    // INFO shows no inspection data.
    let mut info = req(json!({"Type": "Pass", "End": true}), json!({}));
    info.inspection_level = None;
    assert_eq!(test(&s, info).inspection_data, None);
}

#[test]
fn a_mocked_task_goes_through_its_result_pipeline() {
    let s = sfn();
    let state = json!({"Type": "Task", "Resource": LAMBDA,
        "Parameters": {"FunctionName": "f", "Payload.$": "$"},
        "ResultSelector": {"p.$": "$.Payload"}, "ResultPath": "$.out", "End": true});
    let mut r = req(state, json!({"k": 1}));
    r.mock = mock_result(json!({"Payload": {"ok": true}, "StatusCode": 200}));
    let out = test(&s, r);
    assert_eq!(out.status, "SUCCEEDED");
    assert_eq!(out.next_state, None);
    assert_eq!(
        json_of(&out.output),
        json!({"k": 1, "out": {"p": {"ok": true}}})
    );
    let d = out.inspection_data.unwrap();
    assert_eq!(
        json_of(&d.after_parameters),
        json!({"FunctionName": "f", "Payload": {"k": 1}})
    );
    assert_eq!(
        json_of(&d.after_result_selector),
        json!({"p": {"ok": true}})
    );
}

#[test]
fn errors_are_retriable_caught_or_failed_as_retry_and_catch_say() {
    let s = sfn();
    let state = json!({"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["Other"], "MaxAttempts": 1},
                  {"ErrorEquals": ["Busy"], "MaxAttempts": 2, "IntervalSeconds": 3, "BackoffRate": 2.0}],
        "Catch": [{"ErrorEquals": ["Nope"], "Next": "Never"},
                  {"ErrorEquals": ["Busy"], "ResultPath": "$.err", "Next": "Handle",
                   "Assign": {"why.$": "$.Cause"}}],
        "Next": "Done"});
    let run = |error: &str, retries: u64| {
        let mut r = req(state.clone(), json!({"k": 1}));
        r.mock = mock_error(error);
        r.state_configuration = Some(TestStateConfiguration {
            retrier_retry_count: Some(retries),
            ..Default::default()
        });
        test(&s, r)
    };
    let retried = run("Busy", 1);
    assert_eq!(retried.status, "RETRIABLE");
    assert_eq!(retried.next_state.as_deref(), Some("TestState"));
    assert_eq!(
        retried.inspection_data.unwrap().error_details,
        Some(InspectionErrorDetails {
            retry_index: Some(1),
            retry_backoff_interval_seconds: Some(6),
            ..Default::default()
        })
    );
    let caught = run("Busy", 2);
    assert_eq!(caught.status, "CAUGHT_ERROR");
    assert_eq!(caught.next_state.as_deref(), Some("Handle"));
    assert_eq!(
        json_of(&caught.output),
        json!({"k": 1, "err": {"Error": "Busy", "Cause": "it broke"}})
    );
    assert_eq!(caught.error.as_deref(), Some("Busy"));
    let data = caught.inspection_data.unwrap();
    assert_eq!(data.error_details.unwrap().catch_index, Some(1));
    assert_eq!(json_of(&data.variables), json!({"why": "it broke"}));
    let failed = run("Unhandled", 0);
    assert_eq!(failed.status, "FAILED");
    assert_eq!(
        (failed.error.as_deref(), failed.cause.as_deref()),
        (Some("Unhandled"), Some("it broke"))
    );
    assert_eq!(failed.next_state, None);
}

#[test]
fn choice_wait_succeed_and_fail_states() {
    let s = sfn();
    let choice = json!({"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"});
    let big = test(&s, req(choice.clone(), json!({"n": 11})));
    assert_eq!(
        (big.status.as_str(), big.next_state.as_deref()),
        ("SUCCEEDED", Some("Big"))
    );
    let small = test(&s, req(choice, json!({"n": 1})));
    assert_eq!(small.next_state.as_deref(), Some("Small"));
    // A year's wait answers at once.
    let wait = test(
        &s,
        req(
            json!({"Type": "Wait", "Seconds": 31536000, "Next": "Later"}),
            json!({"w": 1}),
        ),
    );
    assert_eq!(
        (wait.status.as_str(), wait.next_state.as_deref()),
        ("SUCCEEDED", Some("Later"))
    );
    let ok = test(
        &s,
        req(
            json!({"Type": "Succeed", "OutputPath": "$.a"}),
            json!({"a": 2}),
        ),
    );
    assert_eq!(json_of(&ok.output), json!(2));
    let fail = test(
        &s,
        req(
            json!({"Type": "Fail", "Error": "Bad", "CausePath": "$.why"}),
            json!({"why": "because"}),
        ),
    );
    assert_eq!(fail.status, "FAILED");
    assert_eq!(
        (fail.error.as_deref(), fail.cause.as_deref()),
        (Some("Bad"), Some("because"))
    );
}

#[test]
fn a_state_of_a_whole_definition_with_its_context_and_a_handler() {
    let s = builder()
        .handler("arn:aws:states:::thing:do", |req: TaskRequest| async move {
            Ok(json!({"got": req.parameters, "attempt": req.attempt}))
        })
        .build()
        .unwrap();
    let machine = json!({"StartAt": "First", "States": {
        "First": {"Type": "Pass", "Next": "Loop"},
        "Loop": {"Type": "Map", "ItemProcessor": {"StartAt": "Inner", "States": {
            "Inner": {"Type": "Task", "Resource": "arn:aws:states:::thing:do",
                "Parameters": {"name.$": "$$.Execution.Name", "retry.$": "$$.State.RetryCount"},
                "End": true}}}, "End": true}}});
    let mut r = req(machine.clone(), json!({}));
    r.state_name = Some("Inner".into());
    r.context = Some(json!({"Execution": {"Name": "given-name"}}).to_string());
    r.state_configuration = Some(TestStateConfiguration {
        retrier_retry_count: Some(2),
        ..Default::default()
    });
    let out = test(&s, r);
    assert_eq!(out.status, "SUCCEEDED", "{out:?}");
    assert_eq!(
        json_of(&out.output),
        json!({"got": {"name": "given-name", "retry": 2}, "attempt": 2})
    );
    let mut missing = req(machine, json!({}));
    missing.state_name = Some("Nowhere".into());
    let e = block_on(s.test_state(missing));
    assert!(matches!(e, Err(ApiError::ValidationException(_))), "{e:?}");
}

#[test]
fn a_mocked_map_shows_its_items_and_its_tolerance() {
    let s = sfn();
    let map = json!({"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 4,
        "ToleratedFailureCount": 1,
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "ResultPath": "$.done",
        "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "TooMany"}],
        "End": true});
    let run = |failures: u64| {
        let mut r = req(map.clone(), json!({"items": ["a", "b", "c"]}));
        r.mock = mock_result(json!([1, 2, 3]));
        r.state_configuration = Some(TestStateConfiguration {
            map_iteration_failure_count: Some(failures),
            ..Default::default()
        });
        test(&s, r)
    };
    let ok = run(1);
    assert_eq!(ok.status, "SUCCEEDED");
    assert_eq!(json_of(&ok.output)["done"], json!([1, 2, 3]));
    let d = ok.inspection_data.unwrap();
    assert_eq!(json_of(&d.after_items_path), json!(["a", "b", "c"]));
    assert_eq!(
        json_of(&d.after_item_selector),
        json!([{"v": "a", "i": 0}, {"v": "b", "i": 1}, {"v": "c", "i": 2}])
    );
    assert_eq!(
        (d.max_concurrency, d.tolerated_failure_count),
        (Some(4), Some(1))
    );
    let too_many = run(2);
    assert_eq!(too_many.status, "CAUGHT_ERROR");
    assert_eq!(too_many.next_state.as_deref(), Some("TooMany"));
}

#[test]
fn requests_aws_refuses_are_refused_with_its_errors() {
    let s = sfn();
    let pass = json!({"Type": "Pass", "End": true});
    let mut mocked_pass = req(pass.clone(), json!({}));
    mocked_pass.mock = mock_result(json!(1));
    let e = block_on(s.test_state(mocked_pass));
    assert!(
        matches!(&e, Err(ApiError::ValidationException(m)) if m.contains("State type 'Pass' is not supported when a mock is specified")),
        "{e:?}"
    );
    let map = json!({"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true});
    let e = block_on(s.test_state(req(map, json!([]))));
    assert!(matches!(e, Err(ApiError::ValidationException(_))), "{e:?}");
    let activity = json!({"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": true});
    let e = block_on(s.test_state(req(activity, json!({}))));
    assert!(matches!(e, Err(ApiError::ValidationException(_))), "{e:?}");
    let mut bad_input = req(pass.clone(), json!({}));
    bad_input.input = Some("{not json".into());
    let e = block_on(s.test_state(bad_input));
    assert!(
        matches!(e, Err(ApiError::InvalidExecutionInput(_))),
        "{e:?}"
    );
    let mut bad_level = req(pass.clone(), json!({}));
    bad_level.inspection_level = Some("LOUD".into());
    let e = block_on(s.test_state(bad_level));
    assert!(matches!(e, Err(ApiError::ValidationException(_))), "{e:?}");
    let e = block_on(s.test_state(req(json!({"Type": "Nope"}), json!({}))));
    assert!(matches!(e, Err(ApiError::InvalidDefinition(_))), "{e:?}");
}

/// A server that answers each request with a JSON echo of it, or 404 under `/missing`.
fn echo_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut out = stream;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut parts = line.split(' ');
                    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                    let (method, target) = (method.to_string(), target.to_string());
                    let (mut length, mut headers) = (0, serde_json::Map::new());
                    loop {
                        let mut h = String::new();
                        reader.read_line(&mut h).unwrap();
                        let h = h.trim_end();
                        if h.is_empty() {
                            break;
                        }
                        let (k, v) = h.split_once(": ").unwrap();
                        if k.eq_ignore_ascii_case("content-length") {
                            length = v.parse().unwrap();
                        }
                        headers.insert(k.to_ascii_lowercase(), json!(v));
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let answer = json!({"method": method, "target": target,
                        "headers": headers, "body": String::from_utf8_lossy(&body)})
                    .to_string();
                    let status = if target.starts_with("/missing") {
                        "404 Not Found"
                    } else {
                        "200 OK"
                    };
                    let _ = write!(
                        out,
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nX-Echo: yes\r\nContent-Length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                }
            });
        }
    });
    url
}

#[test]
fn the_http_task_calls_its_endpoint_in_test_state_and_in_executions() {
    let url = echo_server();
    let s = sfn();
    let state = json!({"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {"ApiEndpoint": format!("{url}/orders"), "Method": "POST",
            "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/c/1"},
            "Headers": {"Authorization": "Bearer secret", "X-Trace": "t1"},
            "QueryParameters": {"page": "2", "q": "a b"},
            "RequestBody": {"id.$": "$.id"}},
        "ResultSelector": {"status.$": "$.StatusCode", "echo.$": "$.ResponseBody"},
        "End": true});
    let mut r = req(state.clone(), json!({"id": 7}));
    r.inspection_level = Some("TRACE".into());
    let out = test(&s, r);
    assert_eq!(out.status, "SUCCEEDED", "{out:?}");
    let answer = json_of(&out.output);
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["echo"]["method"], "POST");
    assert_eq!(answer["echo"]["target"], "/orders?page=2&q=a%20b");
    assert_eq!(answer["echo"]["body"], "{\"id\":7}");
    assert_eq!(answer["echo"]["headers"]["x-trace"], "t1");
    let d = out.inspection_data.unwrap();
    let request = d.request.unwrap();
    assert_eq!(request.method.as_deref(), Some("POST"));
    assert!(request
        .headers
        .as_deref()
        .unwrap()
        .contains("Authorization: Bearer secret"));
    assert_eq!(request.body.as_deref(), Some("{\"id\":7}"));
    let response = d.response.unwrap();
    assert_eq!(response.status_code.as_deref(), Some("200"));
    assert!(response.headers.as_deref().unwrap().contains("x-echo: yes"));
    let result = json_of(&d.result);
    assert_eq!(result["Headers"]["x-echo"], json!(["yes"]));
    assert_eq!(result["StatusText"], "OK");

    // DEBUG leaves the request and response out.
    let debug = test(&s, req(state.clone(), json!({"id": 1})));
    assert!(debug.inspection_data.unwrap().request.is_none());

    // The same state in an execution, and a status outside 2xx as its error.
    let mut missing = state;
    missing["Parameters"]["ApiEndpoint"] = json!(format!("{url}/missing"));
    missing["Catch"] = json!([{"ErrorEquals": ["States.Http.StatusCode.404"], "ResultPath": "$.e", "Next": "Gone"}]);
    missing.as_object_mut().unwrap().remove("End");
    missing["Next"] = json!("Gone");
    let def = json!({"StartAt": "Call", "States": {"Call": missing, "Gone": {"Type": "Pass", "End": true}}});
    let (d, _) = run(&s, &create(&s, "Http", &def), &json!({"id": 3}));
    assert_eq!(d.status, "SUCCEEDED");
    let caught = output(&d)["e"].clone();
    assert_eq!(caught["Error"], "States.Http.StatusCode.404");
    let cause: Value = serde_json::from_str(caught["Cause"].as_str().unwrap()).unwrap();
    assert_eq!(cause["StatusCode"], 404);
}

#[test]
fn sfn_test_state_prints_the_answer_and_exits_by_status() {
    let dir = temp_dir("cli-test-state");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    std::fs::write(
        &file,
        json!({"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}], "End": true})
        .to_string(),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let ok = cli(&[
        "test-state",
        path,
        "--mock-result",
        "{\"Payload\": 1}",
        "--inspection-level",
        "DEBUG",
    ]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let answer: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(answer["status"], "SUCCEEDED");
    assert_eq!(answer["output"], "{\"Payload\":1}");
    assert!(answer["inspectionData"]["afterParameters"].is_string());
    let caught = cli(&[
        "test-state",
        path,
        "--mock-error",
        "Boom",
        "--mock-cause",
        "why",
    ]);
    assert_eq!(caught.status.code(), Some(1));
    let answer: Value = serde_json::from_slice(&caught.stdout).unwrap();
    assert_eq!(
        (answer["status"].as_str(), answer["nextState"].as_str()),
        (Some("CAUGHT_ERROR"), Some("Handle"))
    );
    let refused = cli(&["test-state", path, "--inspection-level", "LOUD"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("ValidationException"));
}
