//! Layer 9, the `sfn` command line: `run`, `redrive`, `resume`, `describe`, `history`,
//! `list`, the Map Run commands, `serve`, `bench`, `test-state`, `validate` and
//! `conformance`. Parsed with clap; each command (or family of commands) in its own file,
//! over the API below it.

mod bench;
mod conformance;
mod map_runs;
mod progress;
mod run;
mod serve;
mod stored;
mod test_state;

use crate::runtime::mock::MockConfig;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Runs AWS Step Functions state machines (Amazon States Language) locally, fast.
#[derive(Parser, Debug)]
#[command(name = "sfn", version, about)]
pub struct Cli {
    /// The command given, which [`main`] runs.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands of `sfn` (a variant's doc comment is that command's help).
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one execution of a definition to its end and print its output.
    Run(run::RunArgs),
    /// Redrive an unsuccessful execution kept in a data directory (RedriveExecution).
    Redrive(stored::RedriveArgs),
    /// Continue an execution that was RUNNING when the process running it died.
    Resume(stored::ResumeArgs),
    /// Describe an execution kept in a data directory (DescribeExecution).
    Describe(stored::ArnArgs),
    /// Print an execution's history (GetExecutionHistory).
    History(stored::ArnArgs),
    /// List the executions kept in a data directory (ListExecutions).
    List(stored::ListArgs),
    /// List the Map Runs an execution's Distributed Map states started (ListMapRuns).
    MapRuns(map_runs::ListArgs),
    /// Describe a Map Run: status, configuration, item and execution counts (DescribeMapRun).
    DescribeMapRun(map_runs::DescribeArgs),
    /// Change a Map Run's concurrency or failure tolerance (UpdateMapRun).
    UpdateMapRun(map_runs::UpdateArgs),
    /// Serve the Step Functions API over HTTP (AWS JSON 1.0), for the AWS CLI, boto3 and
    /// the SDKs: a drop-in for Step Functions Local.
    Serve(serve::ServeArgs),
    /// Load-test a workload: run its executions, then print latency percentiles and
    /// throughput (and write them with --out and --html).
    Bench(bench::BenchArgs),
    /// Run one state on an input (TestState) and print its output, error, next state and,
    /// with --inspection-level DEBUG, the data after each stage.
    TestState(test_state::TestStateArgs),
    /// Validate a definition (ValidateStateMachineDefinition) and print the diagnostics.
    Validate {
        /// The definition file (ASL JSON).
        definition: PathBuf,
    },
    /// Run the recorded AWS conformance cases in DIR.
    Conformance {
        /// The folder of recorded cases (one JSON file each).
        dir: PathBuf,
        /// One JSON object per case per line instead of the summary.
        #[arg(long)]
        json: bool,
        /// Only cases whose id contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Also list cases that pass the outcome but not this level.
        #[arg(long, value_enum, default_value = "outcome")]
        level: conformance::Level,
        /// Print only the ids that pass (the format of tests/conformance_expected_passes.txt).
        #[arg(long, conflicts_with = "json")]
        list_passing: bool,
    },
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Run(args) => run::command(args),
        Command::Bench(args) => bench::command(args),
        Command::Serve(args) => serve::command(args),
        Command::Redrive(a) => stored::redrive(a),
        Command::Resume(a) => stored::resume(a),
        Command::Describe(a) => stored::describe(a),
        Command::History(a) => stored::history(a),
        Command::List(a) => stored::list(a),
        Command::MapRuns(a) => map_runs::list(a),
        Command::DescribeMapRun(a) => map_runs::describe(a),
        Command::UpdateMapRun(a) => map_runs::update(a),
        Command::TestState(a) => test_state::command(a),
        Command::Validate { definition } => validate(&definition),
        Command::Conformance {
            dir,
            json,
            filter,
            level,
            list_passing,
        } => {
            let report = if json {
                conformance::Report::Json
            } else if list_passing {
                conformance::Report::Passing
            } else {
                conformance::Report::Summary(level)
            };
            conformance::command(&dir, report, filter.as_deref())
        }
    }
}

/// AWS: a definition is at most 1 MiB.
pub(crate) const DEFINITION_LIMIT: u64 = 1 << 20;
/// A mock config has no limit on AWS; one larger than this is surely not one.
pub(crate) const MOCK_CONFIG_LIMIT: u64 = 64 << 20;

/// Reads and parses the mock config file `path` (Step Functions Local's format).
pub(crate) fn read_mock_config(path: &std::path::Path) -> Result<MockConfig, String> {
    let text = read_limited(path, MOCK_CONFIG_LIMIT, "a mock config")?;
    MockConfig::parse(&text).map_err(|e| e.to_string())
}

/// Reads a file the command was given, refusing one larger than `limit` bytes after reading
/// `limit + 1` of them: `/dev/zero` or a huge file is never read whole.
pub(crate) fn read_limited(
    path: &std::path::Path,
    limit: u64,
    what: &str,
) -> Result<String, String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{} is larger than the {limit} bytes {what} may have",
            path.display()
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

fn validate(path: &std::path::Path) -> i32 {
    let text = match read_limited(path, DEFINITION_LIMIT, "a definition") {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sfn validate: {e}");
            return 2;
        }
    };
    let report = crate::asl::validate(&text);
    println!(
        "{}",
        serde_json::to_string(&report).expect("a report always serialises")
    );
    if report.is_ok() {
        0
    } else {
        1
    }
}

/// Prints an ended execution as `sfn run` and `sfn redrive --wait` do: DescribeExecution's
/// JSON, or the output (or the error and cause on stderr). Returns the exit code: 0 for
/// SUCCEEDED, 1 otherwise.
pub(crate) fn print_outcome(d: &crate::api::types::DescribeExecutionOutput, json: bool) -> i32 {
    if json {
        println!("{}", serde_json::to_string(d).expect("serialisable"));
    } else if let Some(out) = &d.output {
        println!("{out}");
    } else {
        eprintln!(
            "{}: {} {}",
            d.status,
            d.error.as_deref().unwrap_or(""),
            d.cause.as_deref().unwrap_or("")
        );
    }
    if d.status == "SUCCEEDED" {
        0
    } else {
        1
    }
}
