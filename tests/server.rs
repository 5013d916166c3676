//! `sfn serve` over HTTP, as an SDK speaks to it: the AWS JSON 1.0 protocol, AWS-shaped
//! errors for every kind of bad request, and a clean stop on SIGTERM.

mod common;

use common::serve::{request, Server};
use common::*;
use serde_json::{json, Value};

/// The error name an SDK reads from an answer: what follows `#` in `__type`.
fn error_name(answer: &Value) -> &str {
    let t = answer["__type"].as_str().expect("an error shape");
    t.rsplit('#').next().unwrap()
}

const HELLO: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"hi","End":true}}}"#;

#[test]
fn operations_answer_in_the_model_member_names() {
    let s = Server::start(&["--virtual-time", "--account", "111122223333"]);
    let (status, created) = s.call(
        "CreateStateMachine",
        &json!({"name": "Hello", "definition": HELLO, "roleArn": ROLE}),
    );
    assert_eq!(status, 200, "{created}");
    let arn = created["stateMachineArn"].as_str().unwrap().to_string();
    assert_eq!(
        arn,
        "arn:aws:states:us-east-1:111122223333:stateMachine:Hello"
    );
    assert!(created["creationDate"].is_f64(), "epoch seconds: {created}");
    let (_, started) = s.call(
        "StartExecution",
        &json!({"stateMachineArn": arn, "name": "e1", "input": "{\"a\":1}"}),
    );
    let exec = started["executionArn"].as_str().unwrap().to_string();
    let described = eventually("the execution ends", || {
        let (_, d) = s.call("DescribeExecution", &json!({"executionArn": exec}));
        (d["status"] != "RUNNING").then_some(d)
    });
    assert_eq!(described["status"], "SUCCEEDED");
    assert_eq!(described["output"], "\"hi\"");
    assert_eq!(described["input"], "{\"a\":1}");
    let (_, history) = s.call("GetExecutionHistory", &json!({"executionArn": exec}));
    let types: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    // An empty body is an empty input shape, as some clients send it.
    let (status, listed) = s.call("ListStateMachines", &json!({}));
    assert_eq!(
        (status, listed["stateMachines"][0]["name"].as_str()),
        (200, Some("Hello"))
    );
    let (raw_empty, _, listed) = s.raw(&request("ListStateMachines", b""));
    assert_eq!(raw_empty, 200);
    assert_eq!(listed["stateMachines"].as_array().map(Vec::len), Some(1));
    let (status, report) = s.call(
        "ValidateStateMachineDefinition",
        &json!({"definition": "{\"StartAt\": \"Nowhere\", \"States\": {}}"}),
    );
    assert_eq!((status, report["result"].as_str()), (200, Some("FAIL")));
    let (status, deleted) = s.call("DeleteStateMachine", &json!({"stateMachineArn": arn}));
    assert_eq!((status, deleted), (200, json!({})));
}

#[test]
fn every_bad_request_gets_an_aws_shaped_error() {
    let s = Server::start(&["--virtual-time"]);
    let missing = "arn:aws:states:us-east-1:123456789012:execution:Sm:none";
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "NoSuchOperation",
            json!({}),
            400,
            "UnknownOperationException",
        ),
        (
            "DescribeExecution",
            json!({"executionArn": 5}),
            400,
            "SerializationException",
        ),
        (
            "DescribeExecution",
            json!([1, 2]),
            400,
            "SerializationException",
        ),
        (
            "DescribeExecution",
            json!({"executionArn": missing}),
            400,
            "ExecutionDoesNotExist",
        ),
        (
            "DescribeExecution",
            json!({"executionArn": "nope"}),
            400,
            "InvalidArn",
        ),
        (
            "CreateStateMachine",
            json!({"name": "a b", "definition": HELLO, "roleArn": ROLE}),
            400,
            "InvalidName",
        ),
        (
            "CreateStateMachine",
            json!({"name": "Bad", "definition": "{}", "roleArn": ROLE}),
            400,
            "InvalidDefinition",
        ),
        (
            "CreateStateMachine",
            json!({"name": "NoRole", "definition": HELLO, "roleArn": "not-an-arn"}),
            400,
            "InvalidArn",
        ),
        (
            "ListExecutions",
            json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:A",
                   "mapRunArn": "arn:aws:states:us-east-1:123456789012:mapRun:A/m:1"}),
            400,
            "ValidationException",
        ),
        // The model's constraints, before the operation runs.
        ("StartExecution", json!({}), 400, "ValidationException"),
        (
            "ListStateMachines",
            json!({"maxResults": 1001}),
            400,
            "ValidationException",
        ),
        (
            "CreateStateMachine",
            json!({"name": "x".repeat(81), "definition": HELLO, "roleArn": ROLE}),
            400,
            "ValidationException",
        ),
        (
            "CreateStateMachine",
            json!({"name": "T", "definition": HELLO, "roleArn": ROLE, "type": "FAST"}),
            400,
            "ValidationException",
        ),
    ];
    for (op, body, status, name) in cases {
        let (got, answer) = s.call(op, &body);
        assert_eq!(
            (got, error_name(&answer)),
            (status, name),
            "{op} {body}: {answer}"
        );
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (_, answer) = s.call("StartExecution", &json!({"name": "n"}));
    assert_eq!(
        answer["message"],
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"
    );
    let bad_json = s.raw(&request("DescribeExecution", b"{\"executionArn\": "));
    assert_eq!(
        (bad_json.0, error_name(&bad_json.2)),
        (400, "SerializationException")
    );
    let no_target =
        s.raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assert_eq!(
        (no_target.0, error_name(&no_target.2)),
        (400, "UnknownOperationException")
    );
    let get = s.raw(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(
        (get.0, error_name(&get.2)),
        (400, "UnknownOperationException")
    );
    // Past AWS's 1 MB, refused without being read whole.
    let big = vec![b' '; sfn_runtime::server::BODY_LIMIT + 1];
    let (status, _, answer) = s.raw(&request("ListStateMachines", &big));
    assert_eq!((status, error_name(&answer)), (400, "ValidationException"));
    // And the server still answers.
    let (status, _) = s.call("ListStateMachines", &json!({}));
    assert_eq!(status, 200);
}

#[test]
fn start_sync_execution_answers_when_the_express_execution_ends() {
    let s = Server::start(&["--virtual-time"]);
    let create = |name: &str, kind: &str, definition: &str| {
        let (status, created) = s.call(
            "CreateStateMachine",
            &json!({"name": name, "definition": definition, "roleArn": ROLE, "type": kind}),
        );
        assert_eq!(status, 200, "{created}");
        created["stateMachineArn"].as_str().unwrap().to_string()
    };
    let express = create("Quick", "EXPRESS", HELLO);
    let failing = create(
        "Broken",
        "EXPRESS",
        r#"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Oops","Cause":"on purpose"}}}"#,
    );
    let standard = create("Slow", "STANDARD", HELLO);
    let (status, done) = s.call(
        "StartSyncExecution",
        &json!({"stateMachineArn": express, "name": "same", "input": "{\"a\":1}"}),
    );
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(done["output"], "\"hi\"");
    assert_eq!(done["input"], "{\"a\":1}");
    assert_eq!(done["outputDetails"], json!({"included": true}));
    assert!(
        done["stopDate"].is_f64() && done["startDate"].is_f64(),
        "{done}"
    );
    assert_eq!(done["billingDetails"]["billedMemoryUsedInMB"], 64);
    assert_eq!(done["billingDetails"]["billedDurationInMilliseconds"], 100);
    assert!(done.get("redriveStatus").is_none(), "not a member: {done}");
    // AWS keeps no state of a synchronous Express execution: its name may be used again,
    // and nothing finds it afterwards.
    let (status, again) = s.call(
        "StartSyncExecution",
        &json!({"stateMachineArn": express, "name": "same"}),
    );
    assert_eq!((status, again["status"].as_str()), (200, Some("SUCCEEDED")));
    let (status, gone) = s.call(
        "DescribeExecution",
        &json!({"executionArn": done["executionArn"]}),
    );
    assert_eq!((status, error_name(&gone)), (400, "InvalidArn"));
    // A failed execution is an answer, not an error.
    let (status, failed) = s.call("StartSyncExecution", &json!({"stateMachineArn": failing}));
    assert_eq!(status, 200, "{failed}");
    assert_eq!(
        (&failed["status"], &failed["error"], &failed["cause"]),
        (&json!("FAILED"), &json!("Oops"), &json!("on purpose"))
    );
    assert!(failed.get("output").is_none(), "{failed}");
    let (status, refused) = s.call("StartSyncExecution", &json!({"stateMachineArn": standard}));
    assert_eq!(
        (status, error_name(&refused)),
        (400, "StateMachineTypeNotSupported")
    );
    let (status, bad) = s.call(
        "StartSyncExecution",
        &json!({"stateMachineArn": express, "input": "{not json"}),
    );
    assert_eq!((status, error_name(&bad)), (400, "InvalidExecutionInput"));
}

#[test]
fn sigterm_stops_the_server_and_releases_the_data_directory() {
    let dir = temp_dir("serve-stop");
    let data = dir.to_str().unwrap().to_string();
    let mut first = Server::start(&["--virtual-time", "--data-dir", &data]);
    let (status, _) = first.call(
        "CreateStateMachine",
        &json!({"name": "Kept", "definition": HELLO, "roleArn": ROLE}),
    );
    assert_eq!(status, 200);
    // SAFETY: signalling a child process this test started and still owns.
    let sent = unsafe { libc::kill(first.child.id() as i32, libc::SIGTERM) };
    assert_eq!(sent, 0);
    let exit = first.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let second = Server::start(&["--virtual-time", "--data-dir", &data]);
    let (status, listed) = second.call("ListStateMachines", &json!({}));
    assert_eq!(
        (status, listed["stateMachines"][0]["name"].as_str()),
        (200, Some("Kept"))
    );
}

/// Every operation of the Step Functions API model is served: none is an unknown operation.
#[test]
fn all_37_operations_of_the_model_are_served() {
    const OPERATIONS: [&str; 37] = [
        "CreateActivity",
        "CreateStateMachine",
        "CreateStateMachineAlias",
        "DeleteActivity",
        "DeleteStateMachine",
        "DeleteStateMachineAlias",
        "DeleteStateMachineVersion",
        "DescribeActivity",
        "DescribeExecution",
        "DescribeMapRun",
        "DescribeStateMachine",
        "DescribeStateMachineAlias",
        "DescribeStateMachineForExecution",
        "GetActivityTask",
        "GetExecutionHistory",
        "ListActivities",
        "ListExecutions",
        "ListMapRuns",
        "ListStateMachineAliases",
        "ListStateMachineVersions",
        "ListStateMachines",
        "ListTagsForResource",
        "PublishStateMachineVersion",
        "RedriveExecution",
        "SendTaskFailure",
        "SendTaskHeartbeat",
        "SendTaskSuccess",
        "StartExecution",
        "StartSyncExecution",
        "StopExecution",
        "TagResource",
        "TestState",
        "UntagResource",
        "UpdateMapRun",
        "UpdateStateMachine",
        "UpdateStateMachineAlias",
        "ValidateStateMachineDefinition",
    ];
    let server = Server::start(&[]);
    for op in OPERATIONS {
        let (status, answer) = server.call(op, &json!({}));
        let kind = answer["__type"].as_str().unwrap_or_default();
        assert!(
            !kind.contains("UnknownOperation"),
            "{op} is not served: {status} {answer}"
        );
        // Those with required members say which is missing; the rest answer.
        assert!(
            status == 200 || kind.ends_with("ValidationException"),
            "{op}: {status} {answer}"
        );
    }
}

/// `GET /metrics` on the server: the text Prometheus scrapes.
fn scrape(s: &Server) -> String {
    let mut c = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    use std::io::{Read, Write};
    c.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain"),
        "{head}"
    );
    body.to_string()
}

#[test]
fn metrics_count_executions_under_cloudwatch_names() {
    let s = Server::start(&["--virtual-time"]);
    let create = |name: &str, def: Value, ty: &str| {
        let (status, made) = s.call(
            "CreateStateMachine",
            &json!({"name": name, "definition": def.to_string(), "type": ty,
                    "roleArn": "arn:aws:iam::123456789012:role/r"}),
        );
        assert_eq!(status, 200, "{made}");
        made["stateMachineArn"].as_str().unwrap().to_string()
    };
    let ok = create(
        "Ok",
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        "STANDARD",
    );
    let bad = create(
        "Bad",
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}),
        "EXPRESS",
    );
    for _ in 0..3 {
        s.call("StartExecution", &json!({"stateMachineArn": ok}));
    }
    // A name used again is refused, and a refused start starts nothing.
    let dup = json!({"stateMachineArn": ok, "name": "dup"});
    assert_eq!(s.call("StartExecution", &dup).0, 200);
    eventually("the named execution ends", || {
        let (_, d) = s.call(
            "DescribeExecution",
            &json!({"executionArn": ok.replace(":stateMachine:", ":execution:") + ":dup"}),
        );
        (d["status"] == "SUCCEEDED").then_some(())
    });
    assert_eq!(s.call("StartExecution", &dup).0, 400);
    s.call("StartSyncExecution", &json!({"stateMachineArn": bad}));
    let ok_label = format!("StateMachineArn=\"{ok}\"");
    let text = eventually("the four executions end", || {
        let t = scrape(&s);
        t.contains(&format!("ExecutionsSucceeded{{{ok_label}}} 4"))
            .then_some(t)
    });
    let bad_label = format!("StateMachineArn=\"{bad}\"");
    for line in [
        format!("ExecutionsStarted{{{ok_label}}} 4"),
        format!("ExecutionsFailed{{{ok_label}}} 0"),
        format!("ExecutionsStarted{{{bad_label}}} 1"),
        format!("ExecutionsFailed{{{bad_label}}} 1"),
        format!("ExecutionTime_count{{{ok_label}}} 4"),
        "# TYPE ExecutionsStarted counter".into(),
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    // The AWS protocol is still answered beside it.
    let (status, _) = s.call("ListStateMachines", &json!({}));
    assert_eq!(status, 200);
}
