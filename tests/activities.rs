//! Activities: CreateActivity and its siblings, tasks queued for workers that take them
//! with GetActivityTask and answer with SendTask*, their history events and timeouts, and
//! tags on activities and state machines.

mod common;

use common::*;
use futures::executor::block_on;
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::api::{ApiError, StepFunctions};
use std::time::Duration;

fn create_activity(s: &StepFunctions, name: &str) -> String {
    s.create_activity(CreateActivityInput {
        name: name.into(),
        ..Default::default()
    })
    .unwrap()
    .activity_arn
}

fn poll(s: &StepFunctions, arn: &str, worker: &str) -> GetActivityTaskOutput {
    block_on(s.get_activity_task(GetActivityTaskInput {
        activity_arn: arn.into(),
        worker_name: Some(worker.into()),
    }))
    .unwrap()
}

fn activity_task(arn: &str, extra: Value) -> Value {
    let mut task = json!({"Type": "Task", "Resource": arn, "End": true});
    for (k, v) in extra.as_object().unwrap() {
        task[k] = v.clone();
    }
    json!({"StartAt": "Work", "States": {"Work": task}})
}

fn quick_polls() -> StepFunctions {
    StepFunctions::builder()
        .workers(2)
        .activity_poll(Duration::from_millis(50))
        .build()
        .unwrap()
}

#[test]
fn activities_are_created_once_described_listed_and_deleted() {
    let s = sfn();
    let first = s
        .create_activity(CreateActivityInput {
            name: "resize".into(),
            tags: vec![Tag {
                key: "team".into(),
                value: "media".into(),
            }],
        })
        .unwrap();
    assert_eq!(
        first.activity_arn,
        "arn:aws:states:us-east-1:123456789012:activity:resize"
    );
    // Idempotent on the name; the tags of the second call are ignored, as on AWS.
    let again = s
        .create_activity(CreateActivityInput {
            name: "resize".into(),
            tags: vec![Tag {
                key: "other".into(),
                value: "x".into(),
            }],
        })
        .unwrap();
    assert_eq!(again, first);
    let tags = s
        .list_tags_for_resource(ResourceArnInput {
            resource_arn: first.activity_arn.clone(),
        })
        .unwrap();
    assert_eq!(tags.tags.len(), 1);
    assert_eq!(tags.tags[0].key, "team");
    create_activity(&s, "encode");
    let d = s
        .describe_activity(ActivityArnInput {
            activity_arn: first.activity_arn.clone(),
        })
        .unwrap();
    assert_eq!(
        (d.name.as_str(), d.creation_date),
        ("resize", first.creation_date)
    );
    let page = s
        .list_activities(PageInput {
            max_results: Some(1),
            next_token: None,
        })
        .unwrap();
    assert_eq!(page.activities[0].name, "encode");
    let rest = s
        .list_activities(PageInput {
            max_results: Some(1),
            next_token: page.next_token,
        })
        .unwrap();
    assert_eq!(rest.activities[0].name, "resize");
    assert!(rest.next_token.is_none());

    let arn = first.activity_arn;
    s.delete_activity(ActivityArnInput {
        activity_arn: arn.clone(),
    })
    .unwrap();
    let gone = s.describe_activity(ActivityArnInput {
        activity_arn: arn.clone(),
    });
    assert!(
        matches!(gone, Err(ApiError::ActivityDoesNotExist(_))),
        "{gone:?}"
    );
    let polled = block_on(s.get_activity_task(GetActivityTaskInput {
        activity_arn: arn.clone(),
        worker_name: None,
    }));
    assert!(
        matches!(polled, Err(ApiError::ActivityDoesNotExist(_))),
        "{polled:?}"
    );
    // Deleting again is not an error; a malformed ARN is.
    s.delete_activity(ActivityArnInput {
        activity_arn: arn.clone(),
    })
    .unwrap();
    let bad = s.delete_activity(ActivityArnInput {
        activity_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:x".into(),
    });
    assert!(matches!(bad, Err(ApiError::InvalidArn(_))), "{bad:?}");
    let bad = s.create_activity(CreateActivityInput {
        name: "a b".into(),
        ..Default::default()
    });
    assert!(matches!(bad, Err(ApiError::InvalidName(_))), "{bad:?}");
    // Its tags went with it.
    let untagged = s.list_tags_for_resource(ResourceArnInput { resource_arn: arn });
    assert!(
        matches!(untagged, Err(ApiError::ResourceNotFound(_))),
        "{untagged:?}"
    );
}

#[test]
fn a_worker_takes_the_task_and_its_answer_ends_the_state() {
    let s = sfn();
    let act = create_activity(&s, "double");
    let def = activity_task(
        &act,
        json!({"Parameters": {"n.$": "$.n"}, "ResultPath": "$.r"}),
    );
    let arn = create(&s, "Doubler", &def);
    let exec = start(&s, &arn, &json!({"n": 21}));
    let task = poll(&s, &act, "worker-7");
    let token = task.task_token.expect("a task");
    assert_eq!(
        serde_json::from_str::<Value>(&task.input.unwrap()).unwrap(),
        json!({"n": 21})
    );
    s.send_task_heartbeat(TaskTokenInput {
        task_token: token.clone(),
    })
    .unwrap();
    s.send_task_success(SendTaskSuccessInput {
        task_token: token,
        output: "42".into(),
    })
    .unwrap();
    exec.wait_blocking();
    let d = sfn_runtime::api::describe(&exec);
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(output(&d), json!({"n": 21, "r": 42}));
    let events = history_events(&s, exec.execution_arn.as_str());
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "ActivityScheduled",
            "ActivityStarted",
            "ActivitySucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    let scheduled = &events[2]["activityScheduledEventDetails"];
    assert_eq!(scheduled["resource"], act.as_str());
    assert_eq!(scheduled["input"], "{\"n\":21}");
    assert_eq!(
        events[3]["activityStartedEventDetails"]["workerName"],
        "worker-7"
    );
    assert_eq!(events[4]["activitySucceededEventDetails"]["output"], "42");
}

#[test]
fn a_worker_failure_is_caught_and_a_missing_activity_fails_the_state() {
    let s = sfn();
    let act = create_activity(&s, "flaky");
    let mut def = activity_task(
        &act,
        json!({"Catch": [{"ErrorEquals": ["Worker.Broke"], "ResultPath": "$.e", "Next": "Caught"}]}),
    );
    def["States"]["Caught"] = json!({"Type": "Pass", "End": true});
    let arn = create(&s, "Catching", &def);
    let exec = start(&s, &arn, &json!({}));
    let token = poll(&s, &act, "w").task_token.unwrap();
    s.send_task_failure(SendTaskFailureInput {
        task_token: token,
        error: Some("Worker.Broke".into()),
        cause: Some("disk full".into()),
    })
    .unwrap();
    exec.wait_blocking();
    let d = sfn_runtime::api::describe(&exec);
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(output(&d)["e"]["Cause"], "disk full");
    let types = history_types(&s, exec.execution_arn.as_str());
    assert!(types.contains(&"ActivityFailed".to_string()), "{types:?}");

    let missing = "arn:aws:states:us-east-1:123456789012:activity:never-made";
    let arn = create(&s, "Missing", &activity_task(missing, json!({})));
    let exec = start(&s, &arn, &json!({}));
    exec.wait_blocking();
    let d = sfn_runtime::api::describe(&exec);
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    let types = history_types(&s, exec.execution_arn.as_str());
    assert!(
        types.contains(&"ActivityScheduleFailed".to_string()),
        "{types:?}"
    );
}

#[test]
fn each_task_goes_to_exactly_one_of_many_workers() {
    let s = quick_polls();
    let act = create_activity(&s, "fan");
    let arn = create(&s, "Fan", &activity_task(&act, json!({})));
    let execs: Vec<_> = (0..200)
        .map(|i| start(&s, &arn, &json!({"i": i})))
        .collect();
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (s, act) = (s.clone(), act.clone());
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut idle = 0;
                while idle < 3 {
                    let task = poll(&s, &act, &format!("w{w}"));
                    let Some(token) = task.task_token else {
                        idle += 1;
                        continue;
                    };
                    idle = 0;
                    let input: Value = serde_json::from_str(&task.input.unwrap()).unwrap();
                    s.send_task_success(SendTaskSuccessInput {
                        task_token: token,
                        output: json!({"i": input["i"], "by": w}).to_string(),
                    })
                    .unwrap();
                    seen.push(input["i"].as_i64().unwrap());
                }
                seen
            })
        })
        .collect();
    let mut seen: Vec<i64> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        (0..200).collect::<Vec<i64>>(),
        "each task exactly once"
    );
    for (i, e) in execs.iter().enumerate() {
        e.wait_blocking();
        let d = sfn_runtime::api::describe(e);
        assert_eq!(output(&d)["i"], i as i64);
    }
    // Nothing is left for a late worker.
    assert_eq!(poll(&s, &act, "late"), GetActivityTaskOutput::default());
}

#[test]
fn an_untaken_task_times_out_and_is_never_handed_out() {
    let s = quick_polls();
    let act = create_activity(&s, "slow");
    let arn = create(
        &s,
        "Slow",
        &activity_task(&act, json!({"TimeoutSeconds": 1})),
    );
    let exec = start(&s, &arn, &json!({}));
    exec.wait_blocking();
    let d = sfn_runtime::api::describe(&exec);
    assert_eq!(d.error.as_deref(), Some("States.Timeout"));
    let types = history_types(&s, exec.execution_arn.as_str());
    assert!(types.contains(&"ActivityTimedOut".to_string()), "{types:?}");
    assert!(!types.contains(&"ActivityStarted".to_string()), "{types:?}");
    assert_eq!(poll(&s, &act, "late"), GetActivityTaskOutput::default());

    // A worker that stops beating loses the task.
    let arn = create(
        &s,
        "Beating",
        &activity_task(&act, json!({"HeartbeatSeconds": 1})),
    );
    let exec = start(&s, &arn, &json!({}));
    let token = eventually("a task", || poll(&s, &act, "w").task_token);
    exec.wait_blocking();
    let d = sfn_runtime::api::describe(&exec);
    assert_eq!(d.error.as_deref(), Some("States.HeartbeatTimeout"));
    let late = s.send_task_success(SendTaskSuccessInput {
        task_token: token,
        output: "{}".into(),
    });
    assert!(matches!(late, Err(ApiError::TaskTimedOut(_))), "{late:?}");
}

#[test]
fn tags_are_added_replaced_removed_and_checked() {
    let s = sfn();
    let arn = s
        .create_state_machine(CreateStateMachineInput {
            name: "Tagged".into(),
            definition: json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})
                .to_string(),
            role_arn: ROLE.into(),
            tags: vec![Tag {
                key: "env".into(),
                value: "dev".into(),
            }],
            ..Default::default()
        })
        .unwrap()
        .state_machine_arn;
    let tag = |k: &str, v: &str| Tag {
        key: k.into(),
        value: v.into(),
    };
    s.tag_resource(TagResourceInput {
        resource_arn: arn.clone(),
        tags: vec![tag("env", "prod"), tag("owner", "ops")],
    })
    .unwrap();
    let list = |s: &StepFunctions| {
        s.list_tags_for_resource(ResourceArnInput {
            resource_arn: arn.clone(),
        })
        .unwrap()
        .tags
    };
    assert_eq!(list(&s), vec![tag("env", "prod"), tag("owner", "ops")]);
    s.untag_resource(UntagResourceInput {
        resource_arn: arn.clone(),
        tag_keys: vec!["env".into(), "absent".into()],
    })
    .unwrap();
    assert_eq!(list(&s), vec![tag("owner", "ops")]);
    let many: Vec<Tag> = (0..50).map(|i| tag(&format!("k{i}"), "v")).collect();
    let too_many = s.tag_resource(TagResourceInput {
        resource_arn: arn.clone(),
        tags: many,
    });
    assert!(
        matches!(too_many, Err(ApiError::TooManyTags(_))),
        "{too_many:?}"
    );
    assert_eq!(list(&s).len(), 1, "a refused change changes nothing");
    let long = s.tag_resource(TagResourceInput {
        resource_arn: arn.clone(),
        tags: vec![tag(&"k".repeat(129), "v")],
    });
    assert!(
        matches!(&long, Err(ApiError::ValidationException(m)) if m.contains("tags.1.member.key")),
        "{long:?}"
    );
    let unknown = s.tag_resource(TagResourceInput {
        resource_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Nope".into(),
        tags: vec![tag("a", "b")],
    });
    assert!(
        matches!(unknown, Err(ApiError::ResourceNotFound(_))),
        "{unknown:?}"
    );
    let bad = s.list_tags_for_resource(ResourceArnInput {
        resource_arn: "not-an-arn".into(),
    });
    assert!(matches!(bad, Err(ApiError::InvalidArn(_))), "{bad:?}");
}

#[test]
fn activities_and_tags_survive_a_restart() {
    let dir = temp_dir("activities-restart");
    let act = {
        let s = builder().data_dir(&dir).build().unwrap();
        let act = s
            .create_activity(CreateActivityInput {
                name: "kept".into(),
                tags: vec![Tag {
                    key: "k".into(),
                    value: "v".into(),
                }],
            })
            .unwrap();
        create_activity(&s, "dropped");
        s.delete_activity(ActivityArnInput {
            activity_arn: act.activity_arn.replace(":kept", ":dropped"),
        })
        .unwrap();
        act
    };
    let s = builder().data_dir(&dir).build().unwrap();
    assert!(s.store_errors().is_empty(), "{:?}", s.store_errors());
    let d = s
        .describe_activity(ActivityArnInput {
            activity_arn: act.activity_arn.clone(),
        })
        .unwrap();
    assert_eq!(d.creation_date, act.creation_date);
    let all = s.list_activities(PageInput::default()).unwrap().activities;
    assert_eq!(all.len(), 1);
    let tags = s
        .list_tags_for_resource(ResourceArnInput {
            resource_arn: act.activity_arn.clone(),
        })
        .unwrap()
        .tags;
    assert_eq!(tags.len(), 1);
    // Its queue works after the restart.
    let arn = create(&s, "After", &activity_task(&act.activity_arn, json!({})));
    let exec = start(&s, &arn, &json!({"x": 1}));
    let token = poll(&s, &act.activity_arn, "w").task_token.unwrap();
    s.send_task_success(SendTaskSuccessInput {
        task_token: token,
        output: "1".into(),
    })
    .unwrap();
    exec.wait_blocking();
    assert_eq!(sfn_runtime::api::describe(&exec).status, "SUCCEEDED");
}

#[test]
fn a_waiting_task_keeps_its_token_across_a_restart() {
    const SEND: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
    let dir = temp_dir("tokens-restart");
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let service = |sent: &std::sync::Arc<std::sync::Mutex<Vec<String>>>| {
        let sent = std::sync::Arc::clone(sent);
        builder()
            .data_dir(&dir)
            .activity_poll(Duration::from_millis(100))
            .handler(SEND, move |req: sfn_runtime::runtime::TaskRequest| {
                sent.lock().unwrap().push(req.task_token.clone().unwrap());
                async { Ok(json!({})) }
            })
            .build()
            .unwrap()
    };
    let (callback_exec, activity_exec, token, activity_token, act) = {
        let s = service(&sent);
        let act = create_activity(&s, "durable");
        let callback = json!({"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
            "Resource": SEND, "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}},
            "End": true}}});
        let cb = start(&s, &create(&s, "Callback", &callback), &json!({}));
        let ac = start(
            &s,
            &create(&s, "Activity", &activity_task(&act, json!({}))),
            &json!({}),
        );
        let token = eventually("the token is sent", || {
            sent.lock().unwrap().first().cloned()
        });
        let activity_token = eventually("the activity task", || {
            poll(&s, &act, "before-restart").task_token
        });
        // The worker has it once ActivityStarted is recorded (before that, a restart gives
        // the task to a worker again: at least once).
        eventually("ActivityStarted is recorded", || {
            history_types(&s, ac.execution_arn.as_str())
                .contains(&"ActivityStarted".to_string())
                .then_some(())
        });
        (
            cb.execution_arn.clone(),
            ac.execution_arn.clone(),
            token,
            activity_token,
            act,
        )
    };
    // A new process on the data directory: both executions wait on the same tokens.
    let s = service(&sent);
    eventually("the callback task waits again", || {
        (sent.lock().unwrap().len() == 2).then_some(())
    });
    assert_eq!(
        sent.lock().unwrap()[1],
        token,
        "the message is sent again with the same token"
    );
    s.send_task_success(SendTaskSuccessInput {
        task_token: token,
        output: "\"answered\"".into(),
    })
    .unwrap();
    assert_eq!(
        wait_end(&s, callback_exec.as_str()).output.as_deref(),
        Some("\"answered\"")
    );
    // The activity's task had been taken: it is not handed to another worker.
    assert_eq!(
        poll(&s, &act, "after-restart"),
        GetActivityTaskOutput::default()
    );
    s.send_task_success(SendTaskSuccessInput {
        task_token: activity_token,
        output: "7".into(),
    })
    .unwrap();
    assert_eq!(
        wait_end(&s, activity_exec.as_str()).output.as_deref(),
        Some("7")
    );
    let types = history_types(&s, activity_exec.as_str());
    let scheduled = types.iter().filter(|t| *t == "ActivityScheduled").count();
    assert_eq!(scheduled, 1, "{types:?}");
}

#[tokio::test]
async fn a_poll_its_caller_gave_up_on_takes_no_task() {
    let s = StepFunctions::builder()
        .workers(2)
        .activity_poll(Duration::from_secs(5))
        .build()
        .unwrap();
    let act = create_activity(&s, "abandoned");
    let gave_up = tokio::time::timeout(
        Duration::from_millis(50),
        s.get_activity_task(GetActivityTaskInput {
            activity_arn: act.clone(),
            worker_name: Some("gone".into()),
        }),
    )
    .await;
    assert!(gave_up.is_err(), "no task yet: the caller times out");
    let arn = create(&s, "Abandoned", &activity_task(&act, json!({})));
    let exec = start(&s, &arn, &json!({}));
    let task = s
        .get_activity_task(GetActivityTaskInput {
            activity_arn: act,
            worker_name: Some("present".into()),
        })
        .await
        .unwrap();
    s.send_task_success(SendTaskSuccessInput {
        task_token: task
            .task_token
            .expect("the task, not lost to the abandoned poll"),
        output: "1".into(),
    })
    .unwrap();
    let d = wait_end(&s, exec.execution_arn.as_str());
    assert_eq!(d.status, "SUCCEEDED");
    let events = history_events(&s, exec.execution_arn.as_str());
    let started = events
        .iter()
        .find(|e| e["type"] == "ActivityStarted")
        .unwrap();
    assert_eq!(
        started["activityStartedEventDetails"]["workerName"],
        "present"
    );
}
