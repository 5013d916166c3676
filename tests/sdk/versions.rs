//! UpdateStateMachine, versions, aliases and DescribeStateMachineForExecution through the
//! SDK, with the errors an SDK user matches on.

use super::{client, code, create, wait_end};
use crate::common::serve::Server;
use aws_sdk_sfn::types::{RoutingConfigurationListItem, StateMachineType};

fn pass(result: &str) -> String {
    format!(
        r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","Result":"{result}","End":true}}}}}}"#
    )
}

fn route(version: &str, weight: i32) -> RoutingConfigurationListItem {
    RoutingConfigurationListItem::builder()
        .state_machine_version_arn(version)
        .weight(weight)
        .build()
        .unwrap()
}

#[tokio::test]
async fn versions_and_aliases_through_the_sdk() {
    let server = Server::start(&[]);
    let c = client(&server);
    let sm = create(&c, "Released", &pass("one"), StateMachineType::Standard).await;
    let v1 = c
        .publish_state_machine_version()
        .state_machine_arn(&sm)
        .description("first")
        .send()
        .await
        .unwrap()
        .state_machine_version_arn()
        .to_string();
    let updated = c
        .update_state_machine()
        .state_machine_arn(&sm)
        .definition(pass("two"))
        .publish(true)
        .version_description("second")
        .send()
        .await
        .unwrap();
    let v2 = updated.state_machine_version_arn().unwrap().to_string();
    assert_eq!(v2, format!("{sm}:2"));
    let revision = updated.revision_id().unwrap().to_string();
    let e = c
        .publish_state_machine_version()
        .state_machine_arn(&sm)
        .revision_id("INITIAL")
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error().unwrap().is_conflict_exception(),
        "{e:?}"
    );
    let d = c
        .describe_state_machine()
        .state_machine_arn(&v2)
        .send()
        .await
        .unwrap();
    assert_eq!(d.revision_id(), Some(revision.as_str()));
    assert_eq!(d.description(), Some("second"));
    let versions = c
        .list_state_machine_versions()
        .state_machine_arn(&sm)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.state_machine_versions().len(), 2);
    assert_eq!(
        versions.state_machine_versions()[0].state_machine_version_arn(),
        v2
    );

    let alias = c
        .create_state_machine_alias()
        .name("live")
        .routing_configuration(route(&v1, 100))
        .send()
        .await
        .unwrap()
        .state_machine_alias_arn()
        .to_string();
    let exec = c
        .start_execution()
        .state_machine_arn(&alias)
        .send()
        .await
        .unwrap()
        .execution_arn()
        .to_string();
    let d = wait_end(&c, &exec).await;
    assert_eq!(d.output(), Some("\"one\""));
    assert_eq!(d.state_machine_alias_arn(), Some(alias.as_str()));
    assert_eq!(d.state_machine_version_arn(), Some(v1.as_str()));
    let ran = c
        .describe_state_machine_for_execution()
        .execution_arn(&exec)
        .send()
        .await
        .unwrap();
    assert_eq!(ran.state_machine_arn(), v1);
    assert_eq!(ran.definition(), pass("one"));
    let listed = c
        .list_executions()
        .state_machine_arn(&alias)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.executions().len(), 1);

    c.update_state_machine_alias()
        .state_machine_alias_arn(&alias)
        .routing_configuration(route(&v1, 50))
        .routing_configuration(route(&v2, 50))
        .send()
        .await
        .unwrap();
    let a = c
        .describe_state_machine_alias()
        .state_machine_alias_arn(&alias)
        .send()
        .await
        .unwrap();
    assert_eq!(a.routing_configuration().len(), 2);
    let aliases = c
        .list_state_machine_aliases()
        .state_machine_arn(&sm)
        .send()
        .await
        .unwrap();
    assert_eq!(
        aliases.state_machine_aliases()[0].state_machine_alias_arn(),
        alias
    );
    let e = c
        .delete_state_machine_version()
        .state_machine_version_arn(&v2)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error().unwrap().is_conflict_exception(),
        "{e:?}"
    );
    let e = c
        .create_state_machine_alias()
        .name("uneven")
        .routing_configuration(route(&v1, 60))
        .routing_configuration(route(&v2, 60))
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error().unwrap().is_validation_exception(),
        "{e:?}"
    );
    c.delete_state_machine_alias()
        .state_machine_alias_arn(&alias)
        .send()
        .await
        .unwrap();
    let e = c
        .describe_state_machine_alias()
        .state_machine_alias_arn(&alias)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error().unwrap().is_resource_not_found(),
        "{e:?}"
    );
    c.delete_state_machine_version()
        .state_machine_version_arn(&v2)
        .send()
        .await
        .unwrap();
    let e = c
        .update_state_machine()
        .state_machine_arn(&sm)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error()
            .unwrap()
            .is_missing_required_parameter(),
        "{e:?}"
    );
    let e = c
        .describe_state_machine_for_execution()
        .execution_arn(format!(
            "{}:nope",
            sm.replace(":stateMachine:", ":execution:")
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ExecutionDoesNotExist");
}
