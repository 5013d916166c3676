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
    /// `Comment`: free text for readers of the definition; it does not affect a run.
    pub comment: Option<String>,
    /// `Version`: the ASL version the definition declares (only `"1.0"` is accepted).
    pub version: Option<String>,
    /// Execution timeout; none means the service maximum (one year for STANDARD).
    pub timeout_seconds: Option<u64>,
    /// The top-level `StartAt` and `States`.
    pub body: Arc<Body>,
}

/// `StartAt` + `States`: the top level, a Parallel branch, or a Map's item processor.
#[derive(Debug, Clone)]
pub struct Body {
    /// `StartAt`: the state a run of this body enters first.
    pub start_at: StateId,
    /// `States`: this body's states in definition order; a [`StateId`] is an index into it.
    pub states: Vec<State>,
}

impl Body {
    /// The state `id` names; `id` must come from this body.
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
    /// `Next`: the state to enter next, in the same body.
    Next(StateId),
    /// `"End": true`: the state finishes its body (the execution, a branch or an iteration).
    End,
}

/// One state with the fields every state shares.
#[derive(Debug, Clone)]
pub struct State {
    /// The state's key in `States`, unique within its body; history events and errors use it.
    pub name: String,
    /// `Comment`: free text for readers of the definition; ignored at run time.
    pub comment: Option<String>,
    /// `None` is `"InputPath": null` (the state sees `{}`); absent is `$`.
    pub input_path: Option<Path>,
    /// `None` is `"OutputPath": null` (the state outputs `{}`); absent is `$`.
    pub output_path: Option<Path>,
    /// `Assign`: variables set when the state completes (for a Choice, when no rule
    /// matched and it goes to Default).
    pub assign: Option<Template>,
    /// `Type`, with the fields only that type has.
    pub kind: StateKind,
}

/// The state types.
#[derive(Debug, Clone)]
pub enum StateKind {
    /// `Pass`: hands on its input, or fixed data, without doing any work.
    Pass(PassState),
    /// `Task`: calls its `Resource` (an activity, a Lambda function or a service API).
    Task(Box<TaskState>),
    /// `Choice`: picks the next state by evaluating rules against its input.
    Choice(ChoiceState),
    /// `Wait`: pauses for a number of seconds or until a timestamp.
    Wait(WaitState),
    /// `Succeed`: ends its body successfully, with its (filtered) input as output.
    Succeed,
    /// `Fail`: ends its body with an error name and cause, which an enclosing state may catch.
    Fail(FailState),
    /// `Parallel`: runs every branch on the same input; its result is their outputs in order.
    Parallel(Box<ParallelState>),
    /// `Map`: runs its item processor once for each item of an array or an `ItemReader` source.
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
    /// `"ResultPath": null`: the result is dropped and the state's input passes through.
    Discard,
    /// The path in the state's input where the result is written (`$` replaces the input).
    At(Path),
}

/// The fields of a `Pass` state.
#[derive(Debug, Clone)]
pub struct PassState {
    /// `Result`: fixed output taken as written (no `.$` evaluation); it wins over `Parameters`.
    pub result: Option<Value>,
    /// `Parameters`: the result, built from the effective input, when there is no `Result`.
    pub parameters: Option<Template>,
    /// `ResultPath`: where the result is placed in the state's input.
    pub result_path: ResultPath,
    /// `Next` or `End`: where the state goes once it completes.
    pub transition: Transition,
}

/// A fixed number of seconds or a reference path to one.
#[derive(Debug, Clone, PartialEq)]
pub enum Seconds {
    /// A whole number of seconds written in the definition.
    Fixed(u64),
    /// A reference path (the `...SecondsPath` form) read from the effective input at run time.
    Path(Path),
}

/// The fields of a `Task` state.
#[derive(Debug, Clone)]
pub struct TaskState {
    /// `Resource`: the ARN of what the task calls. AWS: a value that is not an ARN is invalid.
    pub resource: String,
    /// `Parameters`: the payload sent to the resource; absent, the effective input is sent.
    pub parameters: Option<Template>,
    /// `ResultSelector`: reshapes the resource's result before `ResultPath` places it.
    pub result_selector: Option<Template>,
    /// `ResultPath`: where the (selected) result is placed in the state's input.
    pub result_path: ResultPath,
    /// `Retry`: retriers in order; the first whose `ErrorEquals` matches an error decides.
    pub retry: Vec<Retrier>,
    /// `Catch`: catchers in order, for an error that no retrier retries (any more).
    pub catch: Vec<Catcher>,
    /// `TimeoutSeconds` or `TimeoutSecondsPath`: how long the task may run before it fails
    /// with `States.Timeout`; none sets no limit of the state's own.
    pub timeout: Option<Seconds>,
    /// `HeartbeatSeconds` or `HeartbeatSecondsPath`: the longest gap between heartbeats before
    /// `States.HeartbeatTimeout`. AWS: smaller than the timeout.
    pub heartbeat: Option<Seconds>,
    /// `Credentials`: the role to assume for the call, kept as written; not used at run time.
    pub credentials: Option<Value>,
    /// `Next` or `End`: where the state goes once it completes.
    pub transition: Transition,
}

/// `JitterStrategy` of a Retrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// `FULL`: each retry waits a random time between zero and the computed delay.
    Full,
    /// `NONE` (the default): each retry waits exactly the computed delay.
    None,
}

/// One element of `Retry`, with AWS's defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals`: the error names this retrier handles; `States.ALL` matches any error.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds`: the wait before the first retry (default 1).
    pub interval_seconds: u64,
    /// `MaxAttempts`: how many retries this retrier allows (default 3; 0 never retries).
    pub max_attempts: u64,
    /// `BackoffRate`: the factor the wait grows by after each retry (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`: a cap on any one wait; none leaves only the one-year limit.
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy`: whether the waits are randomised.
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
    /// `ErrorEquals`: the error names this catcher handles; `States.ALL` matches any error.
    pub error_equals: Vec<String>,
    /// `Next`: the state to go to when this catcher handles the error.
    pub next: StateId,
    /// `ResultPath`: where the error output (`Error`, `Cause`) goes in the state's input.
    pub result_path: ResultPath,
    /// Variables set from the error output when this catcher handles an error.
    pub assign: Option<Template>,
}

/// The fields of a `Choice` state.
#[derive(Debug, Clone)]
pub struct ChoiceState {
    /// `Choices`: the rules in order; the first that matches picks the next state.
    pub choices: Vec<ChoiceBranch>,
    /// `Default`: the state to go to when no rule matches; without one, the state fails with
    /// `States.NoChoiceMatched`.
    pub default: Option<StateId>,
}

/// A top-level Choice rule: a condition and where it leads.
#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    /// The condition: a comparison, or `And`/`Or`/`Not` over nested rules.
    pub rule: ChoiceRule,
    /// `Next`: the state to go to when the rule matches.
    pub next: StateId,
    /// Variables set when this rule matched.
    pub assign: Option<Template>,
}

/// A Boolean expression of a Choice state.
#[derive(Debug, Clone, PartialEq)]
pub enum ChoiceRule {
    /// `And`: holds when every nested rule holds.
    And(Vec<ChoiceRule>),
    /// `Or`: holds when at least one nested rule holds.
    Or(Vec<ChoiceRule>),
    /// `Not`: holds when the nested rule does not.
    Not(Box<ChoiceRule>),
    /// `Variable` with exactly one comparison operator field.
    Compare {
        /// `Variable`: the path to the value under test.
        variable: Path,
        /// Which test applies: the operator field's name, without any `Path` suffix.
        op: Comparison,
        /// The operator field's value: a literal, or a path for the `...Path` forms.
        operand: Operand,
    },
}

/// The comparison operators; the `...Path` forms are [`Operand::Path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `StringEquals(Path)`: the strings are equal.
    StringEquals,
    /// `StringLessThan(Path)`: the string sorts before the operand.
    StringLessThan,
    /// `StringGreaterThan(Path)`: the string sorts after the operand.
    StringGreaterThan,
    /// `StringLessThanEquals(Path)`: the string sorts before the operand or equals it.
    StringLessThanEquals,
    /// `StringGreaterThanEquals(Path)`: the string sorts after the operand or equals it.
    StringGreaterThanEquals,
    /// `StringMatches`: the string fits a pattern where `*` stands for any run of characters.
    StringMatches,
    /// `NumericEquals(Path)`: the numbers are equal.
    NumericEquals,
    /// `NumericLessThan(Path)`: the number is below the operand.
    NumericLessThan,
    /// `NumericGreaterThan(Path)`: the number is above the operand.
    NumericGreaterThan,
    /// `NumericLessThanEquals(Path)`: the number is at most the operand.
    NumericLessThanEquals,
    /// `NumericGreaterThanEquals(Path)`: the number is at least the operand.
    NumericGreaterThanEquals,
    /// `BooleanEquals(Path)`: both are Booleans and equal.
    BooleanEquals,
    /// `TimestampEquals(Path)`: the timestamps denote the same instant.
    TimestampEquals,
    /// `TimestampLessThan(Path)`: the timestamp is earlier than the operand.
    TimestampLessThan,
    /// `TimestampGreaterThan(Path)`: the timestamp is later than the operand.
    TimestampGreaterThan,
    /// `TimestampLessThanEquals(Path)`: the timestamp is not later than the operand.
    TimestampLessThanEquals,
    /// `TimestampGreaterThanEquals(Path)`: the timestamp is not earlier than the operand.
    TimestampGreaterThanEquals,
    /// `IsNull`: with `true`, the value is null; with `false`, it is not.
    IsNull,
    /// `IsPresent`: with `true`, the path selects something; with `false`, nothing.
    IsPresent,
    /// `IsNumeric`: with `true`, the value is a number; with `false`, it is not.
    IsNumeric,
    /// `IsString`: with `true`, the value is a string; with `false`, it is not.
    IsString,
    /// `IsBoolean`: with `true`, the value is a Boolean; with `false`, it is not.
    IsBoolean,
    /// `IsTimestamp`: with `true`, the value is an ISO 8601 timestamp string; with `false`, not.
    IsTimestamp,
}

/// What the variable is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal from the definition, such as the string given to `StringEquals`.
    Value(Value),
    /// A path from a `...Path` operator (`StringEqualsPath`), read when the rule is evaluated.
    Path(Path),
}

/// The four mutually exclusive ways a Wait state says how long.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitFor {
    /// `Seconds`: a fixed number of seconds.
    Seconds(u64),
    /// `Timestamp`: the ISO 8601 instant to wait until, as written in the definition.
    Timestamp(String),
    /// `SecondsPath`: the number of seconds, read from the effective input.
    SecondsPath(Path),
    /// `TimestampPath`: the instant to wait until, read from the effective input.
    TimestampPath(Path),
}

/// The fields of a `Wait` state.
#[derive(Debug, Clone)]
pub struct WaitState {
    /// `Seconds`, `Timestamp`, `SecondsPath` or `TimestampPath`: how long to wait.
    pub wait: WaitFor,
    /// `Next` or `End`: where the state goes once it completes.
    pub transition: Transition,
}

/// A literal string or a path to one (Fail's Error/ErrorPath and Cause/CausePath).
#[derive(Debug, Clone, PartialEq)]
pub enum TextSource {
    /// `Error` or `Cause`: the text as written.
    Literal(String),
    /// `ErrorPath` or `CausePath` holding a path: the text it selects at run time.
    Path(Path),
    /// `ErrorPath` or `CausePath` holding an intrinsic call: the text the call returns.
    Call(Box<super::intrinsic::Call>),
}

/// The fields of a `Fail` state.
#[derive(Debug, Clone)]
pub struct FailState {
    /// `Error` or `ErrorPath`: the error name the state fails with.
    pub error: Option<TextSource>,
    /// `Cause` or `CausePath`: the human-readable reason given with the error.
    pub cause: Option<TextSource>,
}

/// The fields of a `Parallel` state.
#[derive(Debug, Clone)]
pub struct ParallelState {
    /// Shared so that each branch's child actor holds its body without a copy.
    pub branches: Vec<Arc<Body>>,
    /// `Parameters`: the input every branch starts with; absent, the effective input.
    pub parameters: Option<Template>,
    /// `ResultSelector`: reshapes the array of branch outputs before `ResultPath` places it.
    pub result_selector: Option<Template>,
    /// `ResultPath`: where the (selected) branch outputs go in the state's input.
    pub result_path: ResultPath,
    /// `Retry`: retriers in order; the first whose `ErrorEquals` matches an error decides.
    pub retry: Vec<Retrier>,
    /// `Catch`: catchers in order, for an error that no retrier retries (any more).
    pub catch: Vec<Catcher>,
    /// `Next` or `End`: where the state goes once it completes.
    pub transition: Transition,
}

/// `ProcessorConfig.Mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessorMode {
    /// `INLINE` (the default): the iterations run inside this execution.
    Inline,
    /// `DISTRIBUTED`: each item (or batch) runs as a child execution of a Map Run.
    Distributed,
}

/// `ProcessorConfig.ExecutionType` of a Distributed Map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionType {
    /// `STANDARD`: each child execution is a Standard workflow execution.
    Standard,
    /// `EXPRESS`: each child execution is an Express workflow execution.
    Express,
}

/// A count given directly or by a reference path (MaxConcurrency, tolerances, batching).
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A number written in the definition.
    Fixed(f64),
    /// A reference path (the field's `...Path` form) read from the effective input.
    Path(Path),
}

/// An ItemReader's `ReaderConfig.InputType`, with its CSV options: how the object it
/// reads holds the items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputType {
    /// `JSON`: the object holds one JSON array; each element is an item.
    Json,
    /// `JSONL`: JSON Lines; each non-blank line is an item.
    Jsonl,
    /// An S3 Inventory `manifest.json`: the items are the rows of the (CSV) inventory files
    /// it names, read through the object store.
    Manifest,
    /// `CSV`: each data row is an item, an object keyed by the column headers.
    Csv {
        /// `CSVHeaders` when `CSVHeaderLocation` is GIVEN; `None`: the first row.
        headers: Option<Vec<String>>,
        /// `CSVDelimiter` as a byte: `,` (COMMA, the default), `|`, `;`, space or tab.
        delimiter: u8,
    },
}

/// The fields of a `Map` state, Inline or Distributed.
#[derive(Debug, Clone)]
pub struct MapState {
    /// Shared so that each iteration's child actor holds the processor without a copy.
    pub processor: Arc<Body>,
    /// `ProcessorConfig.Mode`: whether iterations run inline or as child executions.
    pub mode: ProcessorMode,
    /// `ProcessorConfig.ExecutionType`. AWS: required for a Distributed Map.
    pub execution_type: Option<ExecutionType>,
    /// `ItemsPath`: where the item array is in the effective input (default `$`).
    pub items_path: Path,
    /// `ItemSelector`, or the legacy `Parameters`.
    pub item_selector: Option<Template>,
    /// `MaxConcurrency(Path)`: how many iterations may run at once; 0 or none: no limit.
    pub max_concurrency: Option<Amount>,
    /// `ItemReader`: where a Distributed Map reads its items from; kept as JSON and
    /// evaluated when the state runs.
    pub item_reader: Option<Value>,
    /// `ItemBatcher`: how items are grouped into batches, one per child execution; kept as
    /// JSON and evaluated when the state runs.
    pub item_batcher: Option<Value>,
    /// `ResultWriter`: where the child executions' results are written; kept as JSON and
    /// evaluated when the state runs.
    pub result_writer: Option<Value>,
    /// `ToleratedFailurePercentage(Path)`: the share of items (0 to 100) that may fail before
    /// the Map Run fails.
    pub tolerated_failure_percentage: Option<Amount>,
    /// `ToleratedFailureCount(Path)`: how many items may fail before the Map Run fails.
    pub tolerated_failure_count: Option<Amount>,
    /// `Label`: names the Map Run in its ARNs; absent, the state's name is used.
    pub label: Option<String>,
    /// `ResultSelector`: reshapes the array of iteration outputs before `ResultPath` places it.
    pub result_selector: Option<Template>,
    /// `ResultPath`: where the (selected) result goes in the state's input.
    pub result_path: ResultPath,
    /// `Retry`: retriers in order; the first whose `ErrorEquals` matches an error decides.
    pub retry: Vec<Retrier>,
    /// `Catch`: catchers in order, for an error that no retrier retries (any more).
    pub catch: Vec<Catcher>,
    /// `Next` or `End`: where the state goes once it completes.
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
