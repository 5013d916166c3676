//! `sfn test-state`: TestState from the command line, on the embedded service. Prints
//! TestState's answer as JSON; the exit code is 0 when the state succeeded, 1 when it
//! failed (caught, retried or not) and 2 when the request was refused.

use crate::api::types::{MockErrorOutput, MockInput, TestStateConfiguration, TestStateInput};
use crate::api::StepFunctions;
use clap::Args;
use std::path::PathBuf;

/// The arguments of `sfn test-state`.
#[derive(Args, Debug)]
pub struct TestStateArgs {
    /// The state's definition file (one state, or a whole state machine with --state-name).
    definition: PathBuf,
    /// The state's input: JSON, or @FILE.
    #[arg(long)]
    input: Option<String>,
    /// The state of a whole definition to test.
    #[arg(long)]
    state_name: Option<String>,
    /// INFO, DEBUG (the data after each stage) or TRACE.
    #[arg(long, default_value = "INFO")]
    inspection_level: String,
    /// A mocked result for a Task, Map or Parallel state: JSON, or @FILE.
    #[arg(long, conflicts_with = "mock_error")]
    mock_result: Option<String>,
    /// A mocked error for a Task, Map or Parallel state.
    #[arg(long)]
    mock_error: Option<String>,
    /// The mocked error's cause.
    #[arg(long, requires = "mock_error")]
    mock_cause: Option<String>,
    /// The workflow variables the state reads: a JSON object, or @FILE.
    #[arg(long)]
    variables: Option<String>,
    /// The context object (`$$`) laid over the default one: a JSON object, or @FILE.
    #[arg(long)]
    context: Option<String>,
    /// Retries the matching Retrier already made.
    #[arg(long)]
    retrier_retry_count: Option<u64>,
    /// Failed iterations of a Map state.
    #[arg(long)]
    map_iteration_failure_count: Option<u64>,
}

/// JSON given inline, or read from `@FILE`.
fn inline_or_file(arg: Option<&String>) -> Result<Option<String>, String> {
    match arg {
        None => Ok(None),
        Some(a) => match a.strip_prefix('@') {
            Some(path) => super::read_limited(
                std::path::Path::new(path),
                crate::api::DEFAULT_PAYLOAD_LIMIT as u64,
                "a JSON payload",
            )
            .map(Some),
            None => Ok(Some(a.clone())),
        },
    }
}

/// Runs `sfn test-state`.
pub fn command(args: TestStateArgs) -> i32 {
    match request(&args) {
        Ok(req) => run(req),
        Err(e) => {
            eprintln!("sfn test-state: {e}");
            2
        }
    }
}

fn request(args: &TestStateArgs) -> Result<TestStateInput, String> {
    let definition =
        super::read_limited(&args.definition, super::DEFINITION_LIMIT, "a definition")?;
    let mock = match (inline_or_file(args.mock_result.as_ref())?, &args.mock_error) {
        (Some(result), _) => Some(MockInput {
            result: Some(result),
            ..Default::default()
        }),
        (None, Some(error)) => Some(MockInput {
            error_output: Some(MockErrorOutput {
                error: Some(error.clone()),
                cause: args.mock_cause.clone(),
            }),
            ..Default::default()
        }),
        (None, None) => None,
    };
    let configured =
        args.retrier_retry_count.is_some() || args.map_iteration_failure_count.is_some();
    Ok(TestStateInput {
        definition,
        input: inline_or_file(args.input.as_ref())?,
        inspection_level: Some(args.inspection_level.clone()),
        variables: inline_or_file(args.variables.as_ref())?,
        state_name: args.state_name.clone(),
        mock,
        context: inline_or_file(args.context.as_ref())?,
        state_configuration: configured.then(|| TestStateConfiguration {
            retrier_retry_count: args.retrier_retry_count,
            map_iteration_failure_count: args.map_iteration_failure_count,
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn run(req: TestStateInput) -> i32 {
    let sfn = match StepFunctions::builder().virtual_clock().workers(1).build() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sfn test-state: {e}");
            return 2;
        }
    };
    match futures::executor::block_on(sfn.test_state(req)) {
        Ok(out) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&out).expect("serialisable")
            );
            i32::from(out.status != "SUCCEEDED")
        }
        Err(e) => {
            eprintln!("sfn test-state: {}: {}", e.name(), e.message());
            2
        }
    }
}
