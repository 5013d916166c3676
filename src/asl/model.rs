//! The definition model: every state type of ASL (JSONPath query language) as typed data.
//!
//! State names are resolved to [`StateId`] indexes when the definition is parsed, so the
//! interpreter never looks a name up in a map on its hot path.

use super::path::Path;
use super::template::Template;
use serde_json::Value;
use std::sync::Arc;

pub use crate::types::StateId;

/// A whole state machine definition.
#[derive(Debug, Clone)]
pub struct StateMachine {
    pub comment: Option<String>,
    pub version: Option<String>,
    /// Execution timeout; none means the service maximum (one year for STANDARD).
    pub timeout_seconds: Option<u64>,
    pub body: Arc<Body>,
}

/// `StartAt` + `States`: the top level, a Parallel branch, or a Map's item processor.
#[derive(Debug, Clone)]
pub struct Body {
    pub start_at: StateId,
    pub states: Vec<State>,
}

impl Body {
    pub fn state(&self, id: StateId) -> &State {
        &self.states[id.0 as usize]
    }

    /// Looks a state up by name (used by tests and tools, not the interpreter).
    pub fn find(&self, name: &str) -> Option<StateId> {
        self.states
            .iter()
            .position(|s| s.name == name)
            .map(|i| StateId(i as u32))
    }
}

/// Where a state goes when it completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Next(StateId),
    End,
}

/// One state with the fields every state shares.
#[derive(Debug, Clone)]
pub struct State {
    pub name: String,
    pub comment: Option<String>,
    /// `None` is `"InputPath": null` (the state sees `{}`); absent is `$`.
    pub input_path: Option<Path>,
    /// `None` is `"OutputPath": null` (the state outputs `{}`); absent is `$`.
    pub output_path: Option<Path>,
    /// `Assign`: variables set when the state completes (for a Choice, when no rule
    /// matched and it goes to Default).
    pub assign: Option<Template>,
    pub kind: StateKind,
}

/// The state types.
#[derive(Debug, Clone)]
pub enum StateKind {
    Pass(PassState),
    Task(Box<TaskState>),
    Choice(ChoiceState),
    Wait(WaitState),
    Succeed,
    Fail(FailState),
    Parallel(Box<ParallelState>),
    Map(Box<MapState>),
}

impl StateKind {
    /// The ASL `Type` name; also the prefix of history event types (`PassStateEntered`).
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass(_) => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

/// `ResultPath`: absent means `$` (replace the input), null means discard the result.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultPath {
    Discard,
    At(Path),
}

#[derive(Debug, Clone)]
pub struct PassState {
    pub result: Option<Value>,
    pub parameters: Option<Template>,
    pub result_path: ResultPath,
    pub transition: Transition,
}

/// A fixed number of seconds or a reference path to one.
#[derive(Debug, Clone, PartialEq)]
pub enum Seconds {
    Fixed(u64),
    Path(Path),
}

#[derive(Debug, Clone)]
pub struct TaskState {
    pub resource: String,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub timeout: Option<Seconds>,
    pub heartbeat: Option<Seconds>,
    pub credentials: Option<Value>,
    pub transition: Transition,
}

/// `JitterStrategy` of a Retrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    Full,
    None,
}

/// One element of `Retry`, with AWS's defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter: Jitter,
}

impl Default for Retrier {
    fn default() -> Self {
        Retrier {
            error_equals: Vec::new(),
            interval_seconds: 1,
            max_attempts: 3,
            backoff_rate: 2.0,
            max_delay_seconds: None,
            jitter: Jitter::None,
        }
    }
}

/// One element of `Catch`.
#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: StateId,
    pub result_path: ResultPath,
    /// Variables set from the error output when this catcher handles an error.
    pub assign: Option<Template>,
}

#[derive(Debug, Clone)]
pub struct ChoiceState {
    pub choices: Vec<ChoiceBranch>,
    pub default: Option<StateId>,
}

/// A top-level Choice rule: a condition and where it leads.
#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    pub rule: ChoiceRule,
    pub next: StateId,
    /// Variables set when this rule matched.
    pub assign: Option<Template>,
}

/// A Boolean expression of a Choice state.
#[derive(Debug, Clone, PartialEq)]
pub enum ChoiceRule {
    And(Vec<ChoiceRule>),
    Or(Vec<ChoiceRule>),
    Not(Box<ChoiceRule>),
    Compare {
        variable: Path,
        op: Comparison,
        operand: Operand,
    },
}

/// The comparison operators; the `...Path` forms are [`Operand::Path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// What the variable is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Value(Value),
    Path(Path),
}

/// The four mutually exclusive ways a Wait state says how long.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitFor {
    Seconds(u64),
    Timestamp(String),
    SecondsPath(Path),
    TimestampPath(Path),
}

#[derive(Debug, Clone)]
pub struct WaitState {
    pub wait: WaitFor,
    pub transition: Transition,
}

/// A literal string or a path to one (Fail's Error/ErrorPath and Cause/CausePath).
#[derive(Debug, Clone, PartialEq)]
pub enum TextSource {
    Literal(String),
    Path(Path),
    Call(Box<super::intrinsic::Call>),
}

#[derive(Debug, Clone)]
pub struct FailState {
    pub error: Option<TextSource>,
    pub cause: Option<TextSource>,
}

#[derive(Debug, Clone)]
pub struct ParallelState {
    /// Shared so that each branch's child actor holds its body without a copy.
    pub branches: Vec<Arc<Body>>,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub transition: Transition,
}

/// `ProcessorConfig.Mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessorMode {
    Inline,
    Distributed,
}

/// `ProcessorConfig.ExecutionType` of a Distributed Map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionType {
    Standard,
    Express,
}

/// A count given directly or by a reference path (MaxConcurrency, tolerances, batching).
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    Fixed(f64),
    Path(Path),
}

/// An ItemReader's `ReaderConfig.InputType`, with its CSV options: how the object it
/// reads holds the items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputType {
    Json,
    Jsonl,
    /// An S3 Inventory `manifest.json`: the items are the rows of the (CSV) inventory files
    /// it names, read through the object store.
    Manifest,
    Csv {
        /// `CSVHeaders` when `CSVHeaderLocation` is GIVEN; `None`: the first row.
        headers: Option<Vec<String>>,
        delimiter: u8,
    },
}

#[derive(Debug, Clone)]
pub struct MapState {
    /// Shared so that each iteration's child actor holds the processor without a copy.
    pub processor: Arc<Body>,
    pub mode: ProcessorMode,
    pub execution_type: Option<ExecutionType>,
    pub items_path: Path,
    /// `ItemSelector`, or the legacy `Parameters`.
    pub item_selector: Option<Template>,
    pub max_concurrency: Option<Amount>,
    pub item_reader: Option<Value>,
    pub item_batcher: Option<Value>,
    pub result_writer: Option<Value>,
    pub tolerated_failure_percentage: Option<Amount>,
    pub tolerated_failure_count: Option<Amount>,
    pub label: Option<String>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub transition: Transition,
}

impl State {
    /// Retry policy of the state (empty for types that have none).
    pub fn retry(&self) -> &[Retrier] {
        match &self.kind {
            StateKind::Task(t) => &t.retry,
            StateKind::Parallel(p) => &p.retry,
            StateKind::Map(m) => &m.retry,
            _ => &[],
        }
    }

    /// Catch policy of the state (empty for types that have none).
    pub fn catch(&self) -> &[Catcher] {
        match &self.kind {
            StateKind::Task(t) => &t.catch,
            StateKind::Parallel(p) => &p.catch,
            StateKind::Map(m) => &m.catch,
            _ => &[],
        }
    }
}
