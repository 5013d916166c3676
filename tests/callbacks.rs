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
use std::sync::Arc;
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

/// Waits until `n` executions sleep on their tokens.
fn asleep(s: &StepFunctions, n: usize) {
    eventually("the executions lie down", || {
        (s.sleeping_executions() == n).then_some(())
    });
}

#[test]
fn executions_sleep_while_their_tokens_wait_and_wake_where_they_were() {
    let (s, rx) = service(false);
    let mut def = waiting(json!({
        "Retry": [{"ErrorEquals": ["Again"], "MaxAttempts": 2, "IntervalSeconds": 1}],
        "ResultPath": "$.answer", "Next": "After"}));
    def["States"]["Wait"].as_object_mut().unwrap().remove("End");
    def["StartAt"] = json!("Before");
    def["States"]["Before"] = json!({"Type": "Pass", "Assign": {"x.$": "$.n"}, "Next": "Wait"});
    def["States"]["After"] = json!({"Type": "Pass", "End": true, "Parameters": {
        "x.$": "$x", "answer.$": "$.answer", "state.$": "$$.State.Name"}});
    let arn = create(&s, "Sleepers", &def);
    let runs: Vec<_> = (1..=3).map(|n| start(&s, &arn, &json!({"n": n}))).collect();
    for _ in 0..3 {
        token(&rx);
    }
    let tokens: Vec<String> = runs.iter().map(|r| token_of(r)).collect();
    asleep(&s, 3);

    // A failure the Retrier takes: the execution wakes, calls again with a new token,
    // and lies down again with its variables.
    s.send_task_failure(SendTaskFailureInput {
        task_token: tokens[0].clone(),
        error: Some("Again".into()),
        cause: None,
    })
    .unwrap();
    let retried = token(&rx);
    assert_ne!(retried, tokens[0]);
    asleep(&s, 3);
    s.send_task_success(SendTaskSuccessInput {
        task_token: retried,
        output: r#"{"ok": 1}"#.into(),
    })
    .unwrap();
    runs[0].wait_blocking();
    let d = sfn_runtime::api::describe(&runs[0]);
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(
        output(&d),
        json!({"x": 1, "answer": {"ok": 1}, "state": "After"})
    );
    let types = history_types(&s, runs[0].execution_arn.as_ref());
    let count = |t: &str| types.iter().filter(|x| *x == t).count();
    assert_eq!(
        (
            count("ExecutionStarted"),
            count("TaskScheduled"),
            count("TaskFailed")
        ),
        (1, 2, 1),
        "{types:?}"
    );
    assert_eq!(types.last().map(String::as_str), Some("ExecutionSucceeded"));

    // StopExecution ends a sleeping execution without waking it.
    s.stop_execution(StopExecutionInput {
        execution_arn: runs[1].execution_arn.to_string(),
        error: Some("Halt".into()),
        cause: Some("enough".into()),
    })
    .unwrap();
    runs[1].wait_blocking();
    let d = sfn_runtime::api::describe(&runs[1]);
    assert_eq!(
        (d.status.as_str(), d.error.as_deref()),
        ("ABORTED", Some("Halt"))
    );
    let types = history_types(&s, runs[1].execution_arn.as_ref());
    assert_eq!(types.last().map(String::as_str), Some("ExecutionAborted"));
    let late = s.send_task_success(SendTaskSuccessInput {
        task_token: tokens[1].clone(),
        output: "{}".into(),
    });
    assert!(
        matches!(late, Err(ApiError::TaskDoesNotExist(_))),
        "{late:?}"
    );
    assert_eq!(s.sleeping_executions(), 1);

    // A service dropped with an execution asleep ends it as its runtime stopping would.
    let last = Arc::clone(&runs[2]);
    drop(s);
    last.wait_blocking();
    let d = sfn_runtime::api::describe(&last);
    assert_eq!(d.status, "ABORTED");
    assert_eq!(d.cause.as_deref(), Some("The runtime shut down"));
}

/// The token an execution's last TaskScheduled event carries.
fn token_of(r: &sfn_runtime::runtime::ExecutionRecord) -> String {
    r.with_progress(|p| {
        p.history
            .iter()
            .rev()
            .find(|e| e.event_type.to_string() == "TaskScheduled")
            .and_then(|e| e.details.as_deref())
            .and_then(|d| serde_json::from_str::<Value>(d).ok())
            .and_then(|d| serde_json::from_str::<Value>(d["parameters"].as_str()?).ok())
            .and_then(|p| p["MessageBody"]["token"].as_str().map(String::from))
    })
    .expect("a scheduled task with a token")
}

#[test]
fn a_woken_execution_runs_fan_outs_before_and_after_its_sleep() {
    let (s, rx) = service(false);
    let branch = json!({"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}});
    let mut def = waiting(json!({"ResultPath": "$.answer", "Next": "After"}));
    def["States"]["Wait"].as_object_mut().unwrap().remove("End");
    def["StartAt"] = json!("Before");
    def["States"]["Before"] = json!({"Type": "Parallel", "Branches": [branch],
        "ResultPath": null, "Next": "Wait"});
    def["States"]["After"] = json!({"Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": branch, "ResultPath": "$.mapped", "End": true});
    let arn = create(&s, "FanOutsAround", &def);
    let run = start(&s, &arn, &json!({"n": 1, "items": [1, 2, 3]}));
    let t = token(&rx);
    asleep(&s, 1);
    s.send_task_success(SendTaskSuccessInput {
        task_token: t,
        output: "true".into(),
    })
    .unwrap();
    // A fan-out that reports to the actor that slept would never end: bounded, not a hang.
    eventually("the execution ends", || {
        run.status().is_terminal().then_some(())
    });
    let d = sfn_runtime::api::describe(&run);
    assert_eq!(d.status, "SUCCEEDED", "{d:?}");
    assert_eq!(output(&d)["mapped"], json!([1, 2, 3]));
    assert_eq!(output(&d)["answer"], json!(true));
}
