//! `.waitForTaskToken` tasks answered by SendTaskSuccess, SendTaskFailure and
//! SendTaskHeartbeat, in the library and over HTTP, with AWS's errors for tokens that no
//! task waits on.

mod common;

use common::*;
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::api::{ApiError, StepFunctions};
use sfn_runtime::runtime::TaskRequest;
use std::sync::mpsc;
use std::time::Duration;

const SEND: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

/// A service whose SQS "queue" hands each task token to the returned receiver, as a worker
/// reading the queue would get it.
fn service(real_time: bool) -> (StepFunctions, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let b = if real_time {
        StepFunctions::builder().workers(2)
    } else {
        builder()
    };
    let sfn = b
        .handler(SEND, move |req: TaskRequest| {
            let token = req.parameters["MessageBody"]["token"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(req.task_token.as_deref(), Some(token.as_str()));
            tx.lock().unwrap().send(token).unwrap();
            async { Ok(json!({"MessageId": "m-1"})) }
        })
        .build()
        .unwrap();
    (sfn, rx)
}

fn waiting(extra: Value) -> Value {
    let mut task = json!({"Type": "Task", "Resource": SEND,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token", "n.$": "$.n"}},
        "End": true});
    for (k, v) in extra.as_object().unwrap() {
        task[k] = v.clone();
    }
    json!({"StartAt": "Wait", "States": {"Wait": task}})
}

fn token(rx: &mpsc::Receiver<String>) -> String {
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the task sends its token")
}

#[test]
fn send_task_success_and_failure_end_the_waiting_task() {
    let (s, rx) = service(false);
    let mut def = waiting(json!({"Catch": [{"ErrorEquals": ["Worker.Failed"],
        "ResultPath": "$.caught", "Next": "Caught"}]}));
    def["States"]["Caught"] = json!({"Type": "Pass", "End": true});
    let arn = create(&s, "Callback", &def);
    let first = start(&s, &arn, &json!({"n": 1}));
    let t = token(&rx);
    assert_eq!(first.status(), sfn_runtime::types::ExecutionStatus::RUNNING);
    s.send_task_success(SendTaskSuccessInput {
        task_token: t.clone(),
        output: r#"{"done": 1}"#.into(),
    })
    .unwrap();
    first.wait_blocking();
    let d = sfn_runtime::api::describe(&first);
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(output(&d), json!({"done": 1}));
    // Answered once: the token has no task any more.
    let again = s.send_task_success(SendTaskSuccessInput {
        task_token: t,
        output: "{}".into(),
    });
    assert!(
        matches!(again, Err(ApiError::TaskDoesNotExist(_))),
        "{again:?}"
    );

    let second = start(&s, &arn, &json!({"n": 2}));
    let t = token(&rx);
    s.send_task_failure(SendTaskFailureInput {
        task_token: t,
        error: Some("Worker.Failed".into()),
        cause: Some("no luck".into()),
    })
    .unwrap();
    second.wait_blocking();
    let d = sfn_runtime::api::describe(&second);
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(
        output(&d)["caught"],
        json!({"Error": "Worker.Failed", "Cause": "no luck"})
    );
    let types = history_types(&s, second.execution_arn.as_ref());
    for t in [
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskFailed",
    ] {
        assert!(types.iter().any(|x| x == t), "{t} in {types:?}");
    }

    let bad = s.send_task_success(SendTaskSuccessInput {
        task_token: "not-a-token".into(),
        output: "{}".into(),
    });
    assert!(matches!(bad, Err(ApiError::InvalidToken(_))), "{bad:?}");
    let third = start(&s, &arn, &json!({"n": 3}));
    let t = token(&rx);
    let not_json = s.send_task_success(SendTaskSuccessInput {
        task_token: t.clone(),
        output: "{oops".into(),
    });
    assert!(matches!(not_json, Err(ApiError::InvalidOutput(_))));
    s.send_task_heartbeat(TaskTokenInput {
        task_token: t.clone(),
    })
    .unwrap();
    s.stop_execution(StopExecutionInput {
        execution_arn: third.execution_arn.to_string(),
        ..Default::default()
    })
    .unwrap();
    third.wait_blocking();
    // Its execution stopped: nothing waits on the token.
    let gone = s.send_task_heartbeat(TaskTokenInput { task_token: t });
    assert!(
        matches!(gone, Err(ApiError::TaskDoesNotExist(_))),
        "{gone:?}"
    );
}

#[test]
fn heartbeats_keep_a_task_alive_and_a_late_answer_is_told_it_timed_out() {
    let (s, rx) = service(true);
    let arn = create(&s, "Beating", &waiting(json!({"HeartbeatSeconds": 1})));
    let kept = start(&s, &arn, &json!({"n": 1}));
    let t = token(&rx);
    for _ in 0..6 {
        std::thread::sleep(Duration::from_millis(300));
        s.send_task_heartbeat(TaskTokenInput {
            task_token: t.clone(),
        })
        .unwrap();
    }
    // 1.8 s after it started, past one heartbeat interval, it still waits.
    s.send_task_success(SendTaskSuccessInput {
        task_token: t,
        output: "\"alive\"".into(),
    })
    .unwrap();
    kept.wait_blocking();
    assert_eq!(sfn_runtime::api::describe(&kept).status, "SUCCEEDED");

    let dropped = start(&s, &arn, &json!({"n": 2}));
    let t = token(&rx);
    dropped.wait_blocking();
    let d = sfn_runtime::api::describe(&dropped);
    assert_eq!(d.error.as_deref(), Some("States.HeartbeatTimeout"));
    let late = s.send_task_success(SendTaskSuccessInput {
        task_token: t,
        output: "{}".into(),
    });
    assert!(matches!(late, Err(ApiError::TaskTimedOut(_))), "{late:?}");
}

#[test]
fn a_worker_answers_over_http_from_the_token_in_the_history() {
    let server = serve::Server::start(&["--virtual-time"]);
    let def = json!({"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
        "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
        "Parameters": {"Message": {"token.$": "$$.Task.Token"}}, "End": true}}});
    let (_, created) = server.call(
        "CreateStateMachine",
        &json!({"name": "Http", "definition": def.to_string(), "roleArn": ROLE}),
    );
    let (_, started) = server.call(
        "StartExecution",
        &json!({"stateMachineArn": created["stateMachineArn"]}),
    );
    let exec = started["executionArn"].clone();
    let token = eventually("the task is scheduled", || {
        let (_, h) = server.call("GetExecutionHistory", &json!({"executionArn": exec}));
        h["events"].as_array()?.iter().find_map(|e| {
            let p = e["taskScheduledEventDetails"]["parameters"].as_str()?;
            let p: Value = serde_json::from_str(p).ok()?;
            p["Message"]["token"].as_str().map(String::from)
        })
    });
    let (status, answer) = server.call(
        "SendTaskSuccess",
        &json!({"taskToken": token, "output": "{\"ok\": true}"}),
    );
    assert_eq!((status, answer), (200, json!({})));
    let d = eventually("the execution ends", || {
        let (_, d) = server.call("DescribeExecution", &json!({"executionArn": exec}));
        (d["status"] != "RUNNING").then_some(d)
    });
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(d["output"], "{\"ok\":true}");
    let (status, again) = server.call("SendTaskHeartbeat", &json!({"taskToken": token}));
    assert_eq!(status, 400);
    assert_eq!(again["__type"], "com.amazonaws.sfn#TaskDoesNotExist");
    let (status, missing) = server.call("SendTaskFailure", &json!({}));
    assert_eq!(status, 400);
    assert_eq!(missing["__type"], "com.amazonaws.sfn#ValidationException");
}
