//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod serve;

use serde_json::Value;
use sfn_runtime::api::types::*;
use sfn_runtime::api::{describe, StepFunctions, StepFunctionsBuilder};
use sfn_runtime::runtime::ExecutionRecord;
use sfn_runtime::types::HistoryEventType;
use std::sync::Arc;

pub const ROLE: &str = "arn:aws:iam::123456789012:role/test";

pub fn sfn() -> StepFunctions {
    builder().build().unwrap()
}

pub fn builder() -> StepFunctionsBuilder {
    StepFunctions::builder().virtual_clock().workers(2)
}

pub fn create(sfn: &StepFunctions, name: &str, def: &Value) -> String {
    create_typed(sfn, name, def, "STANDARD")
}

pub fn create_typed(sfn: &StepFunctions, name: &str, def: &Value, ty: &str) -> String {
    sfn.create_state_machine(CreateStateMachineInput {
        name: name.into(),
        definition: def.to_string(),
        role_arn: ROLE.into(),
        r#type: Some(ty.into()),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
    .state_machine_arn
}

pub fn start(sfn: &StepFunctions, arn: &str, input: &Value) -> Arc<ExecutionRecord> {
    sfn.start(StartExecutionInput {
        state_machine_arn: arn.into(),
        input: Some(input.to_string()),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs one execution to its end and returns DescribeExecution's view.
pub fn run(
    sfn: &StepFunctions,
    arn: &str,
    input: &Value,
) -> (DescribeExecutionOutput, Vec<String>) {
    let r = start(sfn, arn, input);
    r.wait_blocking();
    let types = r.with_progress(|p| p.history.iter().map(|e| e.event_type.to_string()).collect());
    (describe(&r), types)
}

/// Creates a state machine from `def` and runs it once.
pub fn run_def(def: &Value, input: &Value) -> (DescribeExecutionOutput, Vec<String>) {
    let s = sfn();
    let arn = create(&s, "T", def);
    run(&s, &arn, input)
}

pub fn output(d: &DescribeExecutionOutput) -> Value {
    serde_json::from_str(d.output.as_deref().expect("an output")).unwrap()
}

/// DescribeExecution of an ARN that exists.
pub fn describe_arn(s: &StepFunctions, arn: &str) -> DescribeExecutionOutput {
    s.describe_execution(ExecutionArnInput {
        execution_arn: arn.into(),
    })
    .unwrap()
}

/// Polls DescribeExecution until the execution (or its redrive) has ended.
pub fn wait_end(s: &StepFunctions, arn: &str) -> DescribeExecutionOutput {
    eventually(&format!("{arn} ends"), || {
        let d = describe_arn(s, arn);
        (d.status != "RUNNING" && d.status != "PENDING_REDRIVE").then_some(d)
    })
}

/// How long [`eventually`] waits before it fails the test.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Waits until `check` gives a value, and returns it; fails the test, naming `what`, if
/// that takes longer than [`PATIENCE`]. For what another thread does in its own time: the
/// test waits for the fact, never for a guessed delay.
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// A gate that opens once and stays open: task handlers wait on it so that a test decides
/// the order things happen in, instead of real delays guessing it.
#[derive(Clone)]
pub struct Gate(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Gate {
    fn default() -> Self {
        Gate(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Gate {
    /// Opens the gate (again is harmless).
    pub fn open(&self) {
        self.0.send_replace(true);
    }

    /// Waits until the gate is open; fails the test after [`PATIENCE`].
    pub async fn passed(&self) {
        let mut rx = self.0.subscribe();
        let open = tokio::time::timeout(PATIENCE, rx.wait_for(|open| *open)).await;
        assert!(matches!(open, Ok(Ok(_))), "a gate stayed closed");
    }
}

/// How many events of `event_type` an execution's history holds now.
pub fn count_events(r: &ExecutionRecord, event_type: HistoryEventType) -> usize {
    r.with_progress(|p| {
        p.history
            .iter()
            .filter(|e| e.event_type == event_type)
            .count()
    })
}

/// The first 1,000 history events, in AWS's JSON shape.
pub fn history_events(s: &StepFunctions, arn: &str) -> Vec<Value> {
    s.get_execution_history(GetExecutionHistoryInput {
        execution_arn: arn.into(),
        max_results: Some(1000),
        ..Default::default()
    })
    .unwrap()
    .events
}

/// Every event type of the first 1,000 history events, in order.
pub fn history_types(s: &StepFunctions, arn: &str) -> Vec<String> {
    history_events(s, arn)
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

/// A fresh folder for a test's files, unique per test binary and name, removed when the
/// value is dropped: at the end of the test, whether it passed or panicked. It derefs to
/// its path.
#[derive(Debug)]
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    /// The folder's path.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempDir {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh (removed if there) folder for a test's files; see [`TempDir`].
pub fn temp_dir(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("sfn-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    TempDir(d)
}

/// The `sfn` binary with `args`, run in the crate's folder with an empty stdin.
pub fn cli_command(args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sfn"));
    c.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null());
    c
}

/// Runs the `sfn` binary with `args` to its end (in the crate's folder, stdin empty) and
/// returns its exit status and what it printed.
pub fn cli(args: &[&str]) -> std::process::Output {
    cli_command(args).output().expect("sfn runs")
}

/// Starts the `sfn` binary with `args` (in the crate's folder, stdin empty, stdout
/// discarded, stderr piped) and returns at once.
pub fn cli_spawn(args: &[&str]) -> std::process::Child {
    cli_command(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sfn starts")
}

/// The resource of the task [`flaky_service`] answers.
pub const FLAKY: &str = "arn:aws:states:::flaky";

/// A service on the data directory `dir` whose `FLAKY` task fails (`Flaky.Failed`) when
/// `fail`, and otherwise answers "done".
pub fn flaky_service(dir: &std::path::Path, fail: bool) -> StepFunctions {
    builder()
        .data_dir(dir)
        .handler(
            FLAKY,
            move |_r: sfn_runtime::runtime::TaskRequest| async move {
                if fail {
                    Err(sfn_runtime::runtime::TaskFailure::new(
                        "Flaky.Failed",
                        "not yet",
                    ))
                } else {
                    Ok(serde_json::json!("done"))
                }
            },
        )
        .build()
        .unwrap()
}

/// The `Output` texts of the succeeded results a Distributed Map's ResultWriter wrote under
/// `root` (the objects folder), found from the run's output (`ResultWriterDetails`).
pub fn written_outputs(root: &std::path::Path, run_output: &Value) -> Vec<String> {
    let results = root.join("results");
    let read = |key: &str| -> Value {
        serde_json::from_slice(&std::fs::read(results.join(key)).unwrap()).unwrap()
    };
    let manifest = read(run_output["ResultWriterDetails"]["Key"].as_str().unwrap());
    let file = manifest["ResultFiles"]["SUCCEEDED"][0]["Key"]
        .as_str()
        .unwrap();
    read(file)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Output"].as_str().unwrap().to_string())
        .collect()
}
