//! UpdateStateMachine, versions and aliases: executions started on a version run it
//! whatever the state machine becomes, an alias splits executions by weight, and all of it
//! outlives a restart.

mod common;

use common::*;
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::api::{ApiError, StepFunctions};

fn pass(result: &str) -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": result,
        "ResultPath": "$.r", "End": true}}})
}

fn update(s: &StepFunctions, arn: &str, def: &Value, publish: bool) -> UpdateStateMachineOutput {
    s.update_state_machine(UpdateStateMachineInput {
        state_machine_arn: arn.into(),
        definition: Some(def.to_string()),
        publish,
        ..Default::default()
    })
    .unwrap()
}

fn run_on(s: &StepFunctions, arn: &str) -> (String, DescribeExecutionOutput) {
    let r = start(s, arn, &json!({}));
    r.wait_blocking();
    let d = sfn_runtime::api::describe(&r);
    (output(&d)["r"].as_str().unwrap().to_string(), d)
}

fn publish(s: &StepFunctions, arn: &str) -> String {
    s.publish_state_machine_version(PublishStateMachineVersionInput {
        state_machine_arn: arn.into(),
        ..Default::default()
    })
    .unwrap()
    .state_machine_version_arn
}

fn route(versions: &[(&str, u32)]) -> Vec<RoutingConfigurationListItem> {
    versions
        .iter()
        .map(|(v, w)| RoutingConfigurationListItem {
            state_machine_version_arn: v.to_string(),
            weight: *w,
        })
        .collect()
}

#[test]
fn versions_keep_what_they_published_and_updates_make_revisions() {
    let s = sfn();
    let arn = s
        .create_state_machine(CreateStateMachineInput {
            name: "Versioned".into(),
            definition: pass("one").to_string(),
            role_arn: ROLE.into(),
            publish: true,
            version_description: Some("first".into()),
            ..Default::default()
        })
        .unwrap();
    let v1 = arn.state_machine_version_arn.clone().unwrap();
    let arn = arn.state_machine_arn;
    assert_eq!(v1, format!("{arn}:1"));
    // Publishing the same revision again returns its version.
    assert_eq!(publish(&s, &arn), v1);
    let updated = update(&s, &arn, &pass("two"), false);
    let revision = updated.revision_id.clone().unwrap();
    assert!(updated.state_machine_version_arn.is_none());
    let stale = s.publish_state_machine_version(PublishStateMachineVersionInput {
        state_machine_arn: arn.clone(),
        revision_id: Some("INITIAL".into()),
        ..Default::default()
    });
    assert!(
        matches!(stale, Err(ApiError::ConflictException(_))),
        "{stale:?}"
    );
    let v2 = s
        .publish_state_machine_version(PublishStateMachineVersionInput {
            state_machine_arn: arn.clone(),
            revision_id: Some(revision.clone()),
            description: Some("second".into()),
        })
        .unwrap()
        .state_machine_version_arn;
    assert_eq!(v2, format!("{arn}:2"));
    let v3 = update(&s, &arn, &pass("three"), true)
        .state_machine_version_arn
        .unwrap();
    assert_eq!(v3, format!("{arn}:3"));

    // Each runs what it published; the state machine runs its latest revision.
    assert_eq!(run_on(&s, &v1).0, "one");
    let (r, d) = run_on(&s, &v2);
    assert_eq!(r, "two");
    assert_eq!(d.state_machine_arn, arn);
    assert_eq!(d.state_machine_version_arn.as_deref(), Some(v2.as_str()));
    assert_eq!(run_on(&s, &arn).0, "three");

    let described = s
        .describe_state_machine(StateMachineArnInput {
            state_machine_arn: v2.clone(),
        })
        .unwrap();
    assert_eq!(described.description.as_deref(), Some("second"));
    assert_eq!(described.revision_id.as_deref(), Some(revision.as_str()));
    assert!(described.definition.contains("two"));
    let listed = s
        .list_state_machine_versions(ListByStateMachineInput {
            state_machine_arn: arn.clone(),
            ..Default::default()
        })
        .unwrap();
    let arns: Vec<&str> = listed
        .state_machine_versions
        .iter()
        .map(|v| v.state_machine_version_arn.as_str())
        .collect();
    assert_eq!(
        arns,
        [v3.as_str(), v2.as_str(), v1.as_str()],
        "newest first"
    );

    // A deleted version's number is not used again.
    s.delete_state_machine_version(StateMachineVersionArnInput {
        state_machine_version_arn: v3.clone(),
    })
    .unwrap();
    let v4 = update(&s, &arn, &pass("four"), true)
        .state_machine_version_arn
        .unwrap();
    assert_eq!(v4, format!("{arn}:4"));
    let gone = s.start_execution(StartExecutionInput {
        state_machine_arn: v3,
        ..Default::default()
    });
    assert!(
        matches!(gone, Err(ApiError::StateMachineDoesNotExist(_))),
        "{gone:?}"
    );

    let nothing = s.update_state_machine(UpdateStateMachineInput {
        state_machine_arn: arn.clone(),
        ..Default::default()
    });
    assert!(
        matches!(nothing, Err(ApiError::MissingRequiredParameter(_))),
        "{nothing:?}"
    );
    let bad = s.update_state_machine(UpdateStateMachineInput {
        state_machine_arn: arn.clone(),
        definition: Some("{}".into()),
        ..Default::default()
    });
    assert!(
        matches!(bad, Err(ApiError::InvalidDefinition(_))),
        "{bad:?}"
    );
    let logging = s.update_state_machine(UpdateStateMachineInput {
        state_machine_arn: arn.clone(),
        logging_configuration: Some(json!({"level": "ALL"})),
        ..Default::default()
    });
    assert!(
        matches!(logging, Err(ApiError::InvalidLoggingConfiguration(_))),
        "{logging:?}"
    );

    // What an execution ran, after the state machine moved on.
    let (_, first) = run_on(&s, &v1);
    let ran = s
        .describe_state_machine_for_execution(ExecutionArnInput {
            execution_arn: first.execution_arn.clone(),
        })
        .unwrap();
    assert_eq!(ran.state_machine_arn, v1);
    assert!(ran.definition.contains("one"));
}

#[test]
fn aliases_route_by_weight_and_guard_their_versions() {
    let s = sfn();
    let arn = create(&s, "Aliased", &pass("a"));
    let va = publish(&s, &arn);
    update(&s, &arn, &pass("b"), false);
    let vb = publish(&s, &arn);
    let alias = s
        .create_state_machine_alias(CreateStateMachineAliasInput {
            name: "live".into(),
            description: Some("canary".into()),
            routing_configuration: route(&[(&va, 80), (&vb, 20)]),
        })
        .unwrap()
        .state_machine_alias_arn;
    assert_eq!(alias, format!("{arn}:live"));
    let mut counts = std::collections::HashMap::new();
    for _ in 0..400 {
        let (r, d) = run_on(&s, &alias);
        assert_eq!(d.state_machine_alias_arn.as_deref(), Some(alias.as_str()));
        let expected_version = if r == "a" { &va } else { &vb };
        assert_eq!(d.state_machine_version_arn.as_ref(), Some(expected_version));
        *counts.entry(r).or_insert(0) += 1;
    }
    let b = counts.get("b").copied().unwrap_or(0);
    assert!((40..=130).contains(&b), "about 20% on b: {counts:?}");
    let on_alias = s
        .list_executions(ListExecutionsInput {
            state_machine_arn: Some(alias.clone()),
            max_results: Some(1000),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(on_alias.executions.len(), 400);
    let on_b = s
        .list_executions(ListExecutionsInput {
            state_machine_arn: Some(vb.clone()),
            max_results: Some(1000),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(on_b.executions.len(), b);

    // The same alias again is idempotent; another routing under its name conflicts.
    let same = s.create_state_machine_alias(CreateStateMachineAliasInput {
        name: "live".into(),
        description: Some("canary".into()),
        routing_configuration: route(&[(&va, 80), (&vb, 20)]),
    });
    assert!(same.is_ok(), "{same:?}");
    let other = s.create_state_machine_alias(CreateStateMachineAliasInput {
        name: "live".into(),
        description: None,
        routing_configuration: route(&[(&va, 100)]),
    });
    assert!(
        matches!(other, Err(ApiError::ConflictException(_))),
        "{other:?}"
    );
    for bad in [
        route(&[(&va, 50), (&vb, 40)]),
        route(&[(&va, 50), (&va, 50)]),
        route(&[]),
        route(&[(&arn, 100)]),
    ] {
        let r = s.create_state_machine_alias(CreateStateMachineAliasInput {
            name: "bad".into(),
            description: None,
            routing_configuration: bad.clone(),
        });
        assert!(
            matches!(r, Err(ApiError::ValidationException(_))),
            "{bad:?}: {r:?}"
        );
    }
    let missing = s.create_state_machine_alias(CreateStateMachineAliasInput {
        name: "ghost".into(),
        description: None,
        routing_configuration: route(&[(&format!("{arn}:9"), 100)]),
    });
    assert!(
        matches!(missing, Err(ApiError::ResourceNotFound(_))),
        "{missing:?}"
    );

    // A version an alias routes to cannot be deleted.
    let held = s.delete_state_machine_version(StateMachineVersionArnInput {
        state_machine_version_arn: vb.clone(),
    });
    assert!(
        matches!(held, Err(ApiError::ConflictException(_))),
        "{held:?}"
    );
    s.update_state_machine_alias(UpdateStateMachineAliasInput {
        state_machine_alias_arn: alias.clone(),
        routing_configuration: Some(route(&[(&va, 100)])),
        ..Default::default()
    })
    .unwrap();
    let d = s
        .describe_state_machine_alias(StateMachineAliasArnInput {
            state_machine_alias_arn: alias.clone(),
        })
        .unwrap();
    assert_eq!(d.routing_configuration, route(&[(&va, 100)]));
    assert_eq!(d.description.as_deref(), Some("canary"));
    assert!(d.update_date.is_some());
    s.delete_state_machine_version(StateMachineVersionArnInput {
        state_machine_version_arn: vb,
    })
    .unwrap();
    let listed = s
        .list_state_machine_aliases(ListByStateMachineInput {
            state_machine_arn: arn.clone(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.state_machine_aliases.len(), 1);
    s.delete_state_machine_alias(StateMachineAliasArnInput {
        state_machine_alias_arn: alias.clone(),
    })
    .unwrap();
    let gone = s.describe_state_machine_alias(StateMachineAliasArnInput {
        state_machine_alias_arn: alias,
    });
    assert!(
        matches!(gone, Err(ApiError::ResourceNotFound(_))),
        "{gone:?}"
    );
}

#[test]
fn the_context_names_the_version_or_alias_and_deleting_the_machine_takes_them() {
    let s = sfn();
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
        "Parameters": {"id.$": "$$.StateMachine.Id"}, "End": true}}});
    let arn = create(&s, "Ctx", &def);
    let v1 = publish(&s, &arn);
    let alias = s
        .create_state_machine_alias(CreateStateMachineAliasInput {
            name: "prod".into(),
            description: None,
            routing_configuration: route(&[(&v1, 100)]),
        })
        .unwrap()
        .state_machine_alias_arn;
    for target in [&arn, &v1, &alias] {
        let r = start(&s, target, &json!({}));
        r.wait_blocking();
        assert_eq!(
            output(&sfn_runtime::api::describe(&r))["id"],
            target.as_str()
        );
        let started = &history_events(&s, r.execution_arn.as_str())[0];
        let details = &started["executionStartedEventDetails"];
        if target == &alias {
            assert_eq!(details["stateMachineAliasArn"], alias.as_str());
        }
        if target != &arn {
            assert_eq!(details["stateMachineVersionArn"], v1.as_str());
        }
    }
    s.delete_state_machine(StateMachineArnInput {
        state_machine_arn: arn.clone(),
    })
    .unwrap();
    let versions = s
        .list_state_machine_versions(ListByStateMachineInput {
            state_machine_arn: arn,
            ..Default::default()
        })
        .unwrap();
    assert!(versions.state_machine_versions.is_empty());
    let alias_gone = s.describe_state_machine_alias(StateMachineAliasArnInput {
        state_machine_alias_arn: alias,
    });
    assert!(
        matches!(alias_gone, Err(ApiError::ResourceNotFound(_))),
        "{alias_gone:?}"
    );
}

#[test]
fn versions_aliases_and_revisions_survive_a_restart() {
    let dir = temp_dir("versions-restart");
    let (arn, v1, alias, revision, exec) = {
        let s = builder().data_dir(&dir).build().unwrap();
        let arn = create(&s, "Kept", &pass("one"));
        let v1 = publish(&s, &arn);
        let revision = update(&s, &arn, &pass("two"), false).revision_id.unwrap();
        let alias = s
            .create_state_machine_alias(CreateStateMachineAliasInput {
                name: "stable".into(),
                description: None,
                routing_configuration: route(&[(&v1, 100)]),
            })
            .unwrap()
            .state_machine_alias_arn;
        let (_, d) = run_on(&s, &alias);
        (arn, v1, alias, revision, d.execution_arn)
    };
    let s = builder().data_dir(&dir).build().unwrap();
    assert!(s.store_errors().is_empty(), "{:?}", s.store_errors());
    assert_eq!(run_on(&s, &v1).0, "one");
    assert_eq!(run_on(&s, &alias).0, "one");
    assert_eq!(run_on(&s, &arn).0, "two");
    let d = s
        .describe_state_machine(StateMachineArnInput {
            state_machine_arn: arn.clone(),
        })
        .unwrap();
    assert_eq!(d.revision_id.as_deref(), Some(revision.as_str()));
    // Numbers go on from where they were.
    assert_eq!(publish(&s, &arn), format!("{arn}:2"));
    let kept = describe_arn(&s, &exec);
    assert_eq!(
        kept.state_machine_alias_arn.as_deref(),
        Some(alias.as_str())
    );
    assert_eq!(kept.state_machine_version_arn.as_deref(), Some(v1.as_str()));
}

#[test]
fn a_map_run_child_names_its_run_and_label() {
    let s = sfn();
    let def = json!({"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "Items",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let arn = create(&s, "Fans", &def);
    let (d, _) = run(&s, &arn, &json!([1, 2]));
    assert_eq!(d.status, "SUCCEEDED");
    let runs = s
        .list_map_runs(ListMapRunsInput {
            execution_arn: d.execution_arn.clone(),
            ..Default::default()
        })
        .unwrap()
        .map_runs;
    let run_arn = runs[0].map_run_arn.clone();
    let children = s
        .list_executions(ListExecutionsInput {
            map_run_arn: Some(run_arn.clone()),
            ..Default::default()
        })
        .unwrap()
        .executions;
    assert_eq!(children.len(), 2);
    let child = s
        .describe_state_machine_for_execution(ExecutionArnInput {
            execution_arn: children[0].execution_arn.clone(),
        })
        .unwrap();
    assert_eq!(child.map_run_arn.as_deref(), Some(run_arn.as_str()));
    assert_eq!(child.label.as_deref(), Some("Items"));
    assert_eq!(child.name, "Fans");
}
