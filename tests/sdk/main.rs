//! The official Rust SDK (`aws-sdk-sfn`) against `sfn serve`: every operation the server
//! has, and the errors an SDK user matches on, through a server the test starts.

mod activities;
#[path = "../common/mod.rs"]
mod common;
mod test_state;
mod versions;

use aws_sdk_sfn::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_sfn::config::{
    BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents,
};
use aws_sdk_sfn::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sfn::operation::describe_execution::DescribeExecutionError;
use aws_sdk_sfn::operation::describe_map_run::DescribeMapRunError;
use aws_sdk_sfn::operation::describe_state_machine::DescribeStateMachineError;
use aws_sdk_sfn::operation::redrive_execution::RedriveExecutionError;
use aws_sdk_sfn::operation::start_execution::StartExecutionError;
use aws_sdk_sfn::operation::start_sync_execution::StartSyncExecutionError;
use aws_sdk_sfn::types::{
    ExecutionStatus, HistoryEventType, StateMachineStatus, StateMachineType, SyncExecutionStatus,
    ValidateStateMachineDefinitionResultCode,
};
use aws_sdk_sfn::Client;
use common::serve::Server;
use common::ROLE;
use serde_json::json;

/// The SDK sends StartSyncExecution to the host `sync-` + the endpoint's and has no switch
/// to turn that off; on loopback the prefix is taken off again before the request goes.
#[derive(Debug)]
struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_signing(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_sfn::error::BoxError> {
        let request = ctx.request_mut();
        if let Some(rest) = request.uri().strip_prefix("http://sync-") {
            let uri = format!("http://{rest}");
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

fn client(server: &Server) -> Client {
    let config = aws_sdk_sfn::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .endpoint_url(server.endpoint())
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(aws_sdk_sfn::config::retry::RetryConfig::disabled())
        .interceptor(NoHostPrefix)
        .build();
    Client::from_conf(config)
}

/// The error code an SDK user reads from any failed call.
fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> String {
    e.code().unwrap_or("none").to_string()
}

const HELLO: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"hi","End":true}}}"#;

async fn create(c: &Client, name: &str, definition: &str, kind: StateMachineType) -> String {
    c.create_state_machine()
        .name(name)
        .definition(definition)
        .role_arn(ROLE)
        .r#type(kind)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .state_machine_arn
}

/// Starts an execution of `arn` (or `arn#TestCase`) on `input`; its ARN.
async fn start(c: &Client, arn: &str, input: &str) -> String {
    c.start_execution()
        .state_machine_arn(arn)
        .input(input)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .execution_arn()
        .to_string()
}

async fn wait_end(
    c: &Client,
    arn: &str,
) -> aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput {
    for _ in 0..3000 {
        let d = c
            .describe_execution()
            .execution_arn(arn)
            .send()
            .await
            .unwrap();
        if !matches!(
            d.status(),
            ExecutionStatus::Running | ExecutionStatus::PendingRedrive
        ) {
            return d;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("{arn} did not end");
}

#[tokio::test]
async fn state_machine_operations() {
    let server = Server::start(&["--virtual-time"]);
    let c = client(&server);
    let arn = create(&c, "Hello", HELLO, StateMachineType::Standard).await;
    let d = c
        .describe_state_machine()
        .state_machine_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(d.name(), "Hello");
    assert_eq!(d.definition(), HELLO);
    assert_eq!(d.role_arn(), ROLE);
    assert_eq!(d.r#type(), &StateMachineType::Standard);
    assert_eq!(d.status(), Some(&StateMachineStatus::Active));
    assert!(d.creation_date().secs() > 1_600_000_000);
    let listed = c.list_state_machines().send().await.unwrap();
    assert_eq!(listed.state_machines().len(), 1);
    assert_eq!(listed.state_machines()[0].state_machine_arn(), arn);

    let ok = c
        .validate_state_machine_definition()
        .definition(HELLO)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.result(), &ValidateStateMachineDefinitionResultCode::Ok);
    let bad = c
        .validate_state_machine_definition()
        .definition(r#"{"StartAt":"Nowhere","States":{}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        bad.result(),
        &ValidateStateMachineDefinitionResultCode::Fail
    );
    assert!(!bad.diagnostics().is_empty());

    for (name, definition, role, expected) in [
        ("a b", HELLO, ROLE, "InvalidName"),
        ("Broken", "{}", ROLE, "InvalidDefinition"),
        ("NoRole", HELLO, "not-an-arn", "InvalidArn"),
        (
            "Hello",
            r#"{"StartAt":"Q","States":{"Q":{"Type":"Succeed"}}}"#,
            ROLE,
            "StateMachineAlreadyExists",
        ),
    ] {
        let e = c
            .create_state_machine()
            .name(name)
            .definition(definition)
            .role_arn(role)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), expected, "{name}");
    }

    c.delete_state_machine()
        .state_machine_arn(&arn)
        .send()
        .await
        .unwrap();
    let gone = c
        .describe_state_machine()
        .state_machine_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            gone.into_service_error(),
            DescribeStateMachineError::StateMachineDoesNotExist(_)
        ),
        "a modeled error the SDK parses"
    );
    let e = c
        .describe_state_machine()
        .state_machine_arn("not-an-arn")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidArn");
}

#[tokio::test]
async fn execution_operations() {
    let server = Server::start(&["--virtual-time"]);
    let c = client(&server);
    let arn = create(&c, "Hello", HELLO, StateMachineType::Standard).await;
    let started = c
        .start_execution()
        .state_machine_arn(&arn)
        .name("first")
        .input(r#"{"a":1}"#)
        .send()
        .await
        .unwrap();
    let exec = started.execution_arn().to_string();
    let d = wait_end(&c, &exec).await;
    assert_eq!(d.status(), &ExecutionStatus::Succeeded);
    assert_eq!(d.output(), Some("\"hi\""));
    assert_eq!(d.input(), Some(r#"{"a":1}"#));
    assert!(d.stop_date().is_some());

    let listed = c
        .list_executions()
        .state_machine_arn(&arn)
        .status_filter(ExecutionStatus::Succeeded)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.executions().len(), 1);
    assert_eq!(listed.executions()[0].name(), "first");

    // The history in pages of two, as a paginating SDK user reads it.
    let mut types = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .get_execution_history()
            .execution_arn(&exec)
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        types.extend(page.events().iter().map(|e| e.r#type().clone()));
        token = page.next_token().map(String::from);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(
        types,
        [
            HistoryEventType::ExecutionStarted,
            HistoryEventType::PassStateEntered,
            HistoryEventType::PassStateExited,
            HistoryEventType::ExecutionSucceeded
        ]
    );

    let again = c
        .start_execution()
        .state_machine_arn(&arn)
        .name("first")
        .input("{}")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        again.into_service_error(),
        StartExecutionError::ExecutionAlreadyExists(_)
    ));
    let bad_input = c
        .start_execution()
        .state_machine_arn(&arn)
        .input("{not json")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        bad_input.into_service_error(),
        StartExecutionError::InvalidExecutionInput(_)
    ));
    let long_name = c
        .start_execution()
        .state_machine_arn(&arn)
        .name("x".repeat(81))
        .send()
        .await
        .unwrap_err();
    match long_name.into_service_error() {
        StartExecutionError::ValidationException(v) => assert_eq!(
            v.message(),
            Some(
                format!(
                    "1 validation error detected: Value '{}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80",
                    "x".repeat(81)
                )
                .as_str()
            )
        ),
        other => panic!("{other:?}"),
    }
    let missing = c
        .describe_execution()
        .execution_arn("arn:aws:states:us-east-1:123456789012:execution:Hello:none")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        missing.into_service_error(),
        DescribeExecutionError::ExecutionDoesNotExist(_)
    ));
    let no_machine = c
        .start_execution()
        .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:None")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&no_machine), "StateMachineDoesNotExist");
}

#[tokio::test]
async fn stop_execution_and_update_map_run_while_running() {
    // Real time, so that an hour's Wait is still running when it is stopped.
    let server = Server::start(&[]);
    let c = client(&server);
    let waits = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#;
    let arn = create(&c, "Waits", waits, StateMachineType::Standard).await;
    let exec = start(&c, &arn, "{}").await;
    let stopped = c
        .stop_execution()
        .execution_arn(&exec)
        .error("Stopped.ByTest")
        .cause("enough")
        .send()
        .await
        .unwrap();
    assert!(stopped.stop_date().secs() > 0);
    let d = wait_end(&c, &exec).await;
    assert_eq!(d.status(), &ExecutionStatus::Aborted);
    assert_eq!(d.error(), Some("Stopped.ByTest"));
    assert_eq!(d.cause(), Some("enough"));

    // A Map Run is updated while it runs.
    let fans = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}},
        "End": true}}});
    let arn = create(
        &c,
        "SlowFans",
        &fans.to_string(),
        StateMachineType::Standard,
    )
    .await;
    let exec = start(&c, &arn, "[1, 2, 3]").await;
    let mut run = None;
    for _ in 0..1000 {
        let runs = c.list_map_runs().execution_arn(&exec).send().await.unwrap();
        if let Some(r) = runs.map_runs().first() {
            run = Some(r.map_run_arn().to_string());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let run = run.expect("the Map Run starts");
    c.update_map_run()
        .map_run_arn(&run)
        .max_concurrency(5)
        .tolerated_failure_count(1)
        .send()
        .await
        .unwrap();
    let described = c.describe_map_run().map_run_arn(&run).send().await.unwrap();
    assert_eq!(described.max_concurrency(), 5);
    assert_eq!(described.tolerated_failure_count(), 1);
    c.stop_execution()
        .execution_arn(&exec)
        .send()
        .await
        .unwrap();
    assert_eq!(
        wait_end(&c, &exec).await.status(),
        &ExecutionStatus::Aborted
    );
}

#[tokio::test]
async fn start_sync_execution_through_the_sdk() {
    let server = Server::start(&["--virtual-time"]);
    let c = client(&server);
    let quick = create(&c, "Quick", HELLO, StateMachineType::Express).await;
    let done = c
        .start_sync_execution()
        .state_machine_arn(&quick)
        .input(r#"{"a":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), &SyncExecutionStatus::Succeeded);
    assert_eq!(done.output(), Some("\"hi\""));
    assert!(done.stop_date().to_millis().unwrap() >= done.start_date().to_millis().unwrap());
    assert_eq!(
        done.billing_details().map(|b| b.billed_memory_used_in_mb()),
        Some(64)
    );
    let failing = create(
        &c,
        "Broken",
        r#"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Oops","Cause":"on purpose"}}}"#,
        StateMachineType::Express,
    )
    .await;
    let failed = c
        .start_sync_execution()
        .state_machine_arn(&failing)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), &SyncExecutionStatus::Failed);
    assert_eq!(failed.error(), Some("Oops"));
    let standard = create(&c, "Slow", HELLO, StateMachineType::Standard).await;
    let refused = c
        .start_sync_execution()
        .state_machine_arn(&standard)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        refused.into_service_error(),
        StartSyncExecutionError::StateMachineTypeNotSupported(_)
    ));
}

#[tokio::test]
async fn redrive_and_map_runs_through_the_sdk() {
    let server = Server::start(&[
        "--virtual-time",
        "--mock-config",
        "tests/clients/mocks.json",
    ]);
    let c = client(&server);
    let flaky = json!({"StartAt": "Work", "States": {"Work": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "work"}, "End": true}}});
    let arn = create(&c, "Flaky", &flaky.to_string(), StateMachineType::Standard).await;
    let exec = start(&c, &format!("{arn}#FailOnce"), "{}").await;
    let d = wait_end(&c, &exec).await;
    assert_eq!(d.status(), &ExecutionStatus::Failed);
    assert_eq!(d.error(), Some("Work.Failed"));
    let redriven = c
        .redrive_execution()
        .execution_arn(&exec)
        .send()
        .await
        .unwrap();
    assert!(redriven.redrive_date().secs() > 0);
    let d = wait_end(&c, &exec).await;
    assert_eq!(d.status(), &ExecutionStatus::Succeeded);
    assert_eq!(d.redrive_count(), Some(1));
    let again = c
        .redrive_execution()
        .execution_arn(&exec)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        again.into_service_error(),
        RedriveExecutionError::ExecutionNotRedrivable(_)
    ));

    let fans = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let arn = create(&c, "Fans", &fans.to_string(), StateMachineType::Standard).await;
    let exec = start(&c, &arn, "[1, 2, 3]").await;
    assert_eq!(
        wait_end(&c, &exec).await.status(),
        &ExecutionStatus::Succeeded
    );
    let runs = c.list_map_runs().execution_arn(&exec).send().await.unwrap();
    assert_eq!(runs.map_runs().len(), 1);
    let run = runs.map_runs()[0].map_run_arn().to_string();
    let described = c.describe_map_run().map_run_arn(&run).send().await.unwrap();
    let items = described.item_counts().unwrap();
    assert_eq!((items.succeeded(), items.total()), (3, 3));
    let children = c
        .list_executions()
        .map_run_arn(&run)
        .send()
        .await
        .unwrap_err();
    // The children are EXPRESS executions, which ListExecutions does not list.
    assert_eq!(code(&children), "StateMachineTypeNotSupported");
    let ended = c
        .update_map_run()
        .map_run_arn(&run)
        .max_concurrency(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&ended), "ValidationException");
    let missing = c
        .describe_map_run()
        .map_run_arn(format!("{run}-missing"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        missing.into_service_error(),
        DescribeMapRunError::ResourceNotFound(_)
    ));
}
