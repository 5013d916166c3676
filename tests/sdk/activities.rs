//! Activities and tags through the SDK: a worker's poll and answers, the activity
//! operations, and the tag operations on activities and state machines, with their errors.

use super::{client, code, create};
use crate::common::serve::Server;
use aws_sdk_sfn::types::{HistoryEventType, StateMachineType, Tag};
use serde_json::json;

#[tokio::test]
async fn activity_operations_and_a_polling_worker() {
    let server = Server::start(&[]);
    let c = client(&server);
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    let made = c
        .create_activity()
        .name("resize")
        .tags(tag("team", "media"))
        .send()
        .await
        .unwrap();
    let act = made.activity_arn().to_string();
    assert_eq!(act, "arn:aws:states:us-east-1:123456789012:activity:resize");
    let d = c
        .describe_activity()
        .activity_arn(&act)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (d.name(), d.creation_date()),
        ("resize", made.creation_date())
    );
    let list = c.list_activities().send().await.unwrap();
    assert_eq!(list.activities().len(), 1);
    assert_eq!(list.activities()[0].activity_arn(), act);

    let def = json!({"StartAt": "Resize", "States": {"Resize": {"Type": "Task",
        "Resource": act, "End": true}}});
    let sm = create(&c, "Resizer", &def.to_string(), StateMachineType::Standard).await;
    let exec = c
        .start_execution()
        .state_machine_arn(&sm)
        .input(r#"{"w": 640}"#)
        .send()
        .await
        .unwrap()
        .execution_arn()
        .to_string();
    let task = c
        .get_activity_task()
        .activity_arn(&act)
        .worker_name("sdk-worker")
        .send()
        .await
        .unwrap();
    assert_eq!(task.input(), Some(r#"{"w":640}"#));
    let token = task.task_token().unwrap();
    c.send_task_heartbeat()
        .task_token(token)
        .send()
        .await
        .unwrap();
    c.send_task_success()
        .task_token(token)
        .output(r#"{"w": 320}"#)
        .send()
        .await
        .unwrap();
    let d = super::wait_end(&c, &exec).await;
    assert_eq!(d.output(), Some(r#"{"w":320}"#));
    let history = c
        .get_execution_history()
        .execution_arn(&exec)
        .send()
        .await
        .unwrap();
    let started = history
        .events()
        .iter()
        .find(|e| e.r#type() == &HistoryEventType::ActivityStarted)
        .expect("ActivityStarted");
    let details = started.activity_started_event_details().unwrap();
    assert_eq!(details.worker_name(), Some("sdk-worker"));

    // A worker that fails its task, and a token that is not one.
    let failing = c
        .start_execution()
        .state_machine_arn(&sm)
        .input("{}")
        .send()
        .await
        .unwrap()
        .execution_arn()
        .to_string();
    let task = c
        .get_activity_task()
        .activity_arn(&act)
        .send()
        .await
        .unwrap();
    c.send_task_failure()
        .task_token(task.task_token().unwrap())
        .error("Worker.Broke")
        .cause("out of paper")
        .send()
        .await
        .unwrap();
    let d = super::wait_end(&c, &failing).await;
    assert_eq!(
        (d.error(), d.cause()),
        (Some("Worker.Broke"), Some("out of paper"))
    );
    let e = c
        .send_task_failure()
        .task_token("not-a-token")
        .send()
        .await
        .unwrap_err();
    assert!(e.as_service_error().unwrap().is_invalid_token(), "{e:?}");

    // Tags, on the activity and the state machine.
    c.tag_resource()
        .resource_arn(&sm)
        .tags(tag("env", "dev"))
        .send()
        .await
        .unwrap();
    c.untag_resource()
        .resource_arn(&act)
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let sm_tags = c
        .list_tags_for_resource()
        .resource_arn(&sm)
        .send()
        .await
        .unwrap();
    assert_eq!(sm_tags.tags(), [tag("env", "dev")]);
    let act_tags = c
        .list_tags_for_resource()
        .resource_arn(&act)
        .send()
        .await
        .unwrap();
    assert!(act_tags.tags().is_empty());
    let e = c
        .tag_resource()
        .resource_arn(act.replace("resize", "absent"))
        .tags(tag("a", "b"))
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error().unwrap().is_resource_not_found(),
        "{e:?}"
    );
    let too_many: Vec<Tag> = (0..51).map(|i| tag(&format!("k{i}"), "v")).collect();
    let e = c
        .tag_resource()
        .resource_arn(&sm)
        .set_tags(Some(too_many))
        .send()
        .await
        .unwrap_err();
    assert!(e.as_service_error().unwrap().is_too_many_tags(), "{e:?}");

    // Errors of the activity operations.
    c.delete_activity().activity_arn(&act).send().await.unwrap();
    let e = c
        .describe_activity()
        .activity_arn(&act)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error().unwrap().is_activity_does_not_exist(),
        "{e:?}"
    );
    let e = c
        .get_activity_task()
        .activity_arn(&act)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error().unwrap().is_activity_does_not_exist(),
        "{e:?}"
    );
    let e = c
        .delete_activity()
        .activity_arn("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidArn");
    let e = c
        .create_activity()
        .name("bad name")
        .send()
        .await
        .unwrap_err();
    assert!(e.as_service_error().unwrap().is_invalid_name(), "{e:?}");
}
