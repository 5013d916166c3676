//! The definition model: every state type of ASL, in both query languages, as typed data.
//!
//! State names are resolved to [`StateId`] indexes when the definition is parsed, so the
//! interpreter never looks a name up in a map on its hot path.

mod choice;
mod map;

use super::jsonata::Expression;
use super::path::Path;
use super::template::Template;
use serde_json::Value;
use std::sync::Arc;

pub use choice::*;
pub use map::*;

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

/// `QueryLanguage`: how a state's fields select and shape data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    /// `JSONPath` (the default): InputPath, Parameters, ResultSelector, ResultPath,
    /// OutputPath, `.$` keys and intrinsic functions.
    #[default]
    JsonPath,
    /// `JSONata`: Arguments and Output, with `{% ... %}` expressions reading `$states`.
    Jsonata,
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
    /// The state's query language: its own `QueryLanguage`, else the definition's.
    pub query: QueryLanguage,
    /// `Output` of a JSONata state: what it hands on; absent, its result (Task, Parallel,
    /// Map) or its input (the others).
    pub output: Option<Template>,
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

impl ResultPath {
    /// `$`: the result replaces the input (an absent ResultPath; every JSONata state).
    pub fn whole() -> ResultPath {
        ResultPath::At(Path::input())
    }
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
    /// A JSONata expression, evaluated when the state runs.
    Expr(Arc<Expression>),
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
    /// `Output` of a JSONata Catcher; absent, the error output itself.
    pub output: Option<Template>,
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
    /// `Seconds` of a JSONata state given as an expression.
    SecondsExpr(Arc<Expression>),
    /// `Timestamp` of a JSONata state given as an expression.
    TimestampExpr(Arc<Expression>),
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
    /// `Error` or `Cause` of a JSONata state given as an expression.
    Expr(Arc<Expression>),
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
