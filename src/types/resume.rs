//! Where an unsuccessful execution stopped, so RedriveExecution can continue it: the state
//! that failed (or was running when the execution was aborted or timed out), and for a
//! Parallel or Map state, what each branch or iteration achieved.
//!
//! AWS: a redrive reruns the states that have an Entered event but no Exited one; inside
//! Parallel and Inline Map only the branches and iterations that failed, were aborted, or
//! never started run again, each from where it stopped. The input of the state to rerun is
//! the one its Entered event recorded, so no copy of it is kept here.

use serde_json::Value;

/// Index of a state inside its body (the definition's states in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StateId(pub u32);

/// Where a body (the execution, a branch or an iteration) resumes.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePoint {
    /// The state to run again.
    pub state: StateId,
    /// The id of the state's Entered event, whose details hold its input.
    pub entered_event: u64,
    /// For a Parallel or Map state: per branch or iteration, in index order.
    pub fanout: Option<Vec<ChildResume>>,
    /// The variables the body had assigned itself (a branch or iteration also reads those
    /// of the scope it started from), an aborted child's included.
    pub variables: serde_json::Map<String, Value>,
}

/// The branches or iterations of a fan-out that the log shows succeeded in its latest run,
/// for continuing it after the process died.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecoveredFanOut {
    /// Which run of the fan-out the log describes (a retry of the state starts a new one).
    pub run: u64,
    /// Each child's output, or its whole execution result where the run writes those.
    pub completed: std::collections::HashMap<u32, ChildResult>,
}

/// What a branch or iteration achieved before the execution stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum ChildResume {
    /// Never started: runs from the start of its body.
    NotStarted,
    /// Succeeded: keeps its output and is not run again. `None` where its result is kept
    /// elsewhere (a Distributed Map's result files), not in the fan-out.
    Succeeded(Option<Value>),
    /// Failed or aborted: runs again from where it stopped (or from the start if that is
    /// unknown).
    Restart(Option<Box<ResumePoint>>),
}

impl ChildResume {
    /// Whether a redrive runs this child again.
    pub fn reruns(&self) -> bool {
        !matches!(self, ChildResume::Succeeded(_))
    }
}

/// One child's result: its whole execution result as JSON text (what NONE writes, what a
/// failure always is, and what a pending item is), or a succeeded child's output (what
/// COMPACT and FLATTEN shape).
#[derive(Debug, Clone, PartialEq)]
pub enum ChildResult {
    /// The whole execution result, as JSON text.
    Whole(String),
    /// A succeeded child's output.
    Output(Value),
}

impl ChildResult {
    /// The result as a value: the output, or the whole execution result parsed (`null` if
    /// its text is not JSON).
    pub fn into_value(self) -> Value {
        match self {
            ChildResult::Whole(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
            ChildResult::Output(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unsuccessful_children_rerun() {
        assert!(!ChildResume::Succeeded(None).reruns());
        assert!(ChildResume::NotStarted.reruns());
        assert!(ChildResume::Restart(None).reruns());
    }
}
