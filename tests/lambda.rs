//! Lambda tasks invoked at a Lambda endpoint (`LAMBDA_ENDPOINT`) through the Invoke REST
//! call, against a small Lambda-compatible server the test runs: the payload sent, the
//! result of both integrations, function errors as the task's error, the Lambda service's
//! refusals, and an endpoint that is not there.

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request the fake Lambda received.
#[derive(Debug, Clone)]
struct Received {
    target: String,
    invocation_type: Option<String>,
    body: Value,
}

/// A Lambda endpoint with three functions: `double` answers `{"n": 2n}` (as version 7),
/// `boom` fails with `BoomError`, and any other name is not found.
struct FakeLambda {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl FakeLambda {
    fn start() -> FakeLambda {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve_connection(stream, &log));
            }
        });
        FakeLambda { url, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Answers the requests of one keep-alive connection.
fn serve_connection(stream: std::net::TcpStream, log: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let target = line.split(' ').nth(1).unwrap_or("").to_string();
        let (mut length, mut invocation_type) = (0, None);
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).unwrap();
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(": ").unwrap();
            match k.to_ascii_lowercase().as_str() {
                "content-length" => length = v.parse().unwrap(),
                "x-amz-invocation-type" => invocation_type = Some(v.to_string()),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        log.lock().unwrap().push(Received {
            target: target.clone(),
            invocation_type,
            body: body.clone(),
        });
        let function = target.split('/').nth(3).unwrap_or("");
        let (status, headers, answer) = match function {
            "double" => (
                200,
                "X-Amz-Executed-Version: 7\r\n",
                json!({"n": body["n"].as_i64().unwrap_or(0) * 2}),
            ),
            "boom" => (
                200,
                "X-Amz-Function-Error: Unhandled\r\n",
                json!({"errorType": "BoomError", "errorMessage": "it blew up", "stackTrace": []}),
            ),
            other => (
                404,
                "x-amzn-ErrorType: ResourceNotFoundException\r\n",
                json!({"Type": "User", "message": format!("Function not found: {other}")}),
            ),
        };
        let answer = answer.to_string();
        let _ = write!(
            out,
            "HTTP/1.1 {status} X\r\n{headers}x-amzn-RequestId: req-1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
    }
}

const DOUBLE: &str = "arn:aws:lambda:us-east-1:123456789012:function:double";

fn task(resource: &str, extra: Value) -> Value {
    let mut t = json!({"Type": "Task", "Resource": resource, "End": true});
    for (k, v) in extra.as_object().unwrap() {
        t[k] = v.clone();
    }
    json!({"StartAt": "T", "States": {"T": t}})
}

#[test]
fn a_function_arn_sends_the_parameters_and_answers_the_payload() {
    let lambda = FakeLambda::start();
    let s = builder().lambda_endpoint(&lambda.url).build().unwrap();
    let arn = create(&s, "Direct", &task(DOUBLE, json!({})));
    let (d, _) = run(&s, &arn, &json!({"n": 21}));
    assert_eq!(d.status, "SUCCEEDED", "{d:?}");
    assert_eq!(output(&d), json!({"n": 42}));
    let r = &lambda.received()[0];
    assert_eq!(r.target, "/2015-03-31/functions/double/invocations");
    assert_eq!(r.invocation_type.as_deref(), Some("RequestResponse"));
    assert_eq!(r.body, json!({"n": 21}));
}

#[test]
fn lambda_invoke_answers_the_invoke_response() {
    let lambda = FakeLambda::start();
    let s = builder().lambda_endpoint(&lambda.url).build().unwrap();
    let def = task(
        "arn:aws:states:::lambda:invoke",
        json!({"Parameters": {"FunctionName": format!("{DOUBLE}:live"), "Payload": {"n.$": "$.x"}}}),
    );
    let arn = create(&s, "Optimized", &def);
    let (d, _) = run(&s, &arn, &json!({"x": 5}));
    assert_eq!(d.status, "SUCCEEDED", "{d:?}");
    let out = output(&d);
    assert_eq!(out["Payload"], json!({"n": 10}));
    assert_eq!(out["StatusCode"], 200);
    assert_eq!(out["ExecutedVersion"], "7");
    assert_eq!(out["SdkResponseMetadata"]["RequestId"], "req-1");
    assert_eq!(out["SdkHttpMetadata"]["HttpStatusCode"], 200);
    let r = &lambda.received()[0];
    assert_eq!(
        r.target,
        "/2015-03-31/functions/double/invocations?Qualifier=live"
    );
    assert_eq!(r.body, json!({"n": 5}));
}

#[test]
fn a_function_error_is_the_tasks_error_and_retries_match_it() {
    let lambda = FakeLambda::start();
    let s = builder().lambda_endpoint(&lambda.url).build().unwrap();
    let boom = "arn:aws:lambda:us-east-1:123456789012:function:boom";
    let def = task(
        boom,
        json!({"Retry": [{"ErrorEquals": ["BoomError"], "IntervalSeconds": 1, "MaxAttempts": 2}]}),
    );
    let arn = create(&s, "Boom", &def);
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("BoomError"));
    let cause: Value = serde_json::from_str(d.cause.as_deref().unwrap()).unwrap();
    assert_eq!(cause["errorMessage"], "it blew up");
    // The first attempt and two retries.
    assert_eq!(lambda.received().len(), 3);

    let missing = create(
        &s,
        "Missing",
        &task(
            "arn:aws:lambda:us-east-1:123456789012:function:nowhere",
            json!({}),
        ),
    );
    let (d, _) = run(&s, &missing, &json!({}));
    assert_eq!(d.error.as_deref(), Some("Lambda.ResourceNotFoundException"));
    assert!(
        d.cause
            .as_deref()
            .unwrap()
            .contains("Function not found: nowhere"),
        "{d:?}"
    );
}

#[test]
fn an_endpoint_that_is_not_there_fails_the_task_and_own_handlers_come_first() {
    // Nothing listens on the discard port.
    let s = builder()
        .lambda_endpoint("http://127.0.0.1:9")
        .handler(
            "arn:aws:lambda:us-east-1:123456789012:function:local",
            |_req: sfn_runtime::runtime::TaskRequest| async { Ok(json!("handled here")) },
        )
        .build()
        .unwrap();
    let arn = create(&s, "Down", &task(DOUBLE, json!({})));
    let (d, _) = run(&s, &arn, &json!({}));
    assert_eq!(d.error.as_deref(), Some("Lambda.SdkClientException"));
    let local = create(
        &s,
        "Local",
        &task(
            "arn:aws:lambda:us-east-1:123456789012:function:local",
            json!({}),
        ),
    );
    let (d, _) = run(&s, &local, &json!({}));
    assert_eq!(output(&d), json!("handled here"));
}

#[test]
fn sfn_serve_reads_lambda_endpoint_and_wait_time_scale_from_the_environment() {
    let lambda = FakeLambda::start();
    let server = serve::Server::start_with_env(
        &[],
        &[
            ("LAMBDA_ENDPOINT", lambda.url.as_str()),
            ("WAIT_TIME_SCALE", "0"),
        ],
    );
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3600, "Next": "T"},
        "T": {"Type": "Task", "Resource": DOUBLE, "End": true}}});
    let (_, created) = server.call(
        "CreateStateMachine",
        &json!({"name": "Env", "definition": def.to_string(), "roleArn": ROLE, "type": "EXPRESS"}),
    );
    let started = std::time::Instant::now();
    let (status, done) = server.call(
        "StartSyncExecution",
        &json!({"stateMachineArn": created["stateMachineArn"], "input": "{\"n\": 4}"}),
    );
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["output"], "{\"n\":8}");
    // An hour's Wait at scale 0 takes no time.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}
