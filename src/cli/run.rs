//! `sfn run DEFINITION`: one execution, start to end.

use crate::api::types::{CreateStateMachineInput, StartExecutionInput};
use crate::api::{describe, StepFunctions};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The definition file (ASL JSON).
    pub definition: PathBuf,
    /// The execution input: JSON text, or @FILE.
    #[arg(long, default_value = "{}")]
    pub input: String,
    /// The execution name (default: a UUID).
    #[arg(long)]
    pub name: Option<String>,
    /// The state machine name (default: the file name up to its first dot).
    #[arg(long)]
    pub state_machine_name: Option<String>,
    /// STANDARD or EXPRESS.
    #[arg(long = "type", default_value = "STANDARD")]
    pub machine_type: String,
    /// A mock config file (AWS Step Functions Local format).
    #[arg(long, requires = "test_case")]
    pub mock_config: Option<PathBuf>,
    /// The test case of the mock config to answer tasks from.
    #[arg(long, requires = "mock_config")]
    pub test_case: Option<String>,
    /// Run on virtual time: Wait states and retry delays pass at once.
    #[arg(long)]
    pub virtual_time: bool,
    /// Print DescribeExecution's fields as one JSON object instead of the output.
    #[arg(long)]
    pub json: bool,
    /// Keep the state machine and the execution in this data directory, so `sfn redrive`,
    /// `describe`, `history` and `list` find them later.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Where `s3://bucket/key` objects live (DIR/bucket/key) for ItemReader and
    /// ResultWriter; default: `objects/` in the data directory, else in memory.
    #[arg(long)]
    pub objects_dir: Option<PathBuf>,
}

/// Exit codes: 0 SUCCEEDED, 1 FAILED/TIMED_OUT/ABORTED or the name is taken
/// (ExecutionAlreadyExists), 2 bad usage, an invalid definition, an unusable data directory
/// or a record that could not be kept.
pub fn command(args: RunArgs) -> i32 {
    match run(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("sfn run: {msg}");
            2
        }
    }
}

fn read_arg(s: &str) -> Result<String, String> {
    match s.strip_prefix('@') {
        Some(path) => super::read_limited(
            Path::new(path),
            crate::api::DEFAULT_PAYLOAD_LIMIT as u64,
            "an execution input",
        ),
        None => Ok(s.to_string()),
    }
}

/// `order.asl.json` → `order`: the file name up to its first dot, made a valid name.
fn default_name(path: &Path) -> String {
    path.file_name()
        .and_then(|s| s.to_str())
        .and_then(|s| s.split('.').next())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        })
        .unwrap_or_else(|| "StateMachine".into())
}

fn run(args: &RunArgs) -> Result<i32, String> {
    let definition =
        super::read_limited(&args.definition, super::DEFINITION_LIMIT, "a definition")?;
    let report = crate::asl::validate(&definition);
    if !report.is_ok() {
        eprintln!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serialisable")
        );
        return Ok(2);
    }
    let input = read_arg(&args.input)?;
    let sm_name = args
        .state_machine_name
        .clone()
        .unwrap_or_else(|| default_name(&args.definition));
    let mut builder = StepFunctions::builder();
    if args.virtual_time {
        builder = builder.virtual_clock();
    }
    if let Some(dir) = &args.data_dir {
        // Executions another run left RUNNING wait for `sfn resume`: running them here
        // would abandon them again when this one ends.
        builder = builder.data_dir(dir).resume_running(false);
    }
    if let Some(dir) = &args.objects_dir {
        builder = builder.objects_dir(dir);
    }
    if let Some(path) = &args.mock_config {
        builder = builder.mock_config(super::read_mock_config(path)?);
    }
    let sfn = builder
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let store_warnings = sfn.store_errors();
    for e in &store_warnings {
        eprintln!("warning: {e}");
    }
    let create = CreateStateMachineInput {
        name: sm_name,
        definition,
        role_arn: "arn:aws:iam::123456789012:role/sfn-runtime".into(),
        r#type: Some(args.machine_type.clone()),
        ..Default::default()
    };
    // The file may have changed since a run kept in the data directory: the state machine
    // takes the new definition; earlier executions keep the version they ran.
    let sm = sfn.put_state_machine(create).map_err(|e| e.to_string())?;
    let arn = match &args.test_case {
        Some(case) => format!("{}#{case}", sm.state_machine_arn),
        None => sm.state_machine_arn,
    };
    let started = sfn.start(StartExecutionInput {
        state_machine_arn: arn,
        name: args.name.clone(),
        input: Some(input),
        trace_header: None,
    });
    let record = match started {
        Ok(r) => r,
        // The API refused the start, as `sfn redrive` reports a refused redrive.
        Err(e @ crate::api::ApiError::ExecutionAlreadyExists(_)) => {
            eprintln!("sfn run: {e}");
            return Ok(1);
        }
        Err(e) => return Err(e.to_string()),
    };
    super::progress::wait_with_progress(&sfn, &record);
    let code = super::print_outcome(&describe(&record), args.json);
    Ok(super::stored::exit_code(
        "run",
        &sfn,
        &record,
        store_warnings.len(),
        code,
    ))
}
