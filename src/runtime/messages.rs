//! Every message the actors exchange, and the one the API sends them.

use crate::data::StatesError;
use crate::types::ResumePoint;
use actix::prelude::*;
use serde_json::Value;

/// Stops a running execution (StopExecution): it ends ABORTED.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct StopExecution {
    /// The error name StopExecution was given, if any.
    pub error: Option<String>,
    /// The cause StopExecution was given, if any.
    pub cause: Option<String>,
}

/// A branch or iteration finished (child → parent, through the parent's [`Completions`]).
#[derive(Debug)]
pub struct ChildFinished {
    /// Which run of the fan-out (a retry starts a new one; late reports are ignored).
    pub run: u64,
    pub index: u32,
    pub outcome: Result<Value, StatesError>,
    /// For a failure: where the child stopped, so a redrive resumes it there.
    pub resume: Option<ResumePoint>,
    /// For a child execution of a Distributed Map that failed, or whose parent writes
    /// whole results: its execution result as JSON text.
    pub result: Option<String>,
}

/// The parent gave up on this child (a sibling failed, or the execution stopped).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Abort;

/// Refill the window (parent → itself). Sent once after a completion and queued behind
/// the completions already waiting, so one refill starts many children at once.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub(crate) struct Refill {
    pub(crate) run: u64,
}

/// Tells the parent that reports are waiting.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub(crate) struct ReportsWaiting;

/// The Map Run's configuration changed (API → the parent's actor).
#[derive(actix::Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct MapRunUpdated;
