//! Errors of the language: what a state fails with (`States.*` or a task's own error name).

use std::fmt;

/// The predefined error names of ASL.
pub mod names {
    /// In ErrorEquals: every error but States.Runtime and States.DataLimitExceeded.
    pub const ALL: &str = "States.ALL";
    /// A task sent no heartbeat within its HeartbeatSeconds.
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// A task, or the whole execution, ran longer than its TimeoutSeconds allowed.
    pub const TIMEOUT: &str = "States.Timeout";
    /// A task failed; in ErrorEquals it matches any task error but States.Timeout.
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// A task lacked the permissions it needed.
    pub const PERMISSIONS: &str = "States.Permissions";
    /// ResultPath could not place the result into the state's input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// A path in a Task state's Parameters selected nothing.
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    /// A JSONata expression could not be evaluated.
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    /// A branch of a Parallel state failed.
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    /// A Choice state matched no rule and has no Default.
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    /// An intrinsic function (`States.Format`, ...) failed.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// A Map Run had more failed children than it tolerates.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// A Distributed Map's ItemReader could not read its items.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A Distributed Map's ResultWriter could not write its results.
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    /// The execution itself went wrong (e.g. a path named nothing): never retried or caught.
    pub const RUNTIME: &str = "States.Runtime";
    /// A state's data grew past the size limit; caught only where named.
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
}

/// A state's failure: an error name and an optional cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatesError {
    /// The error name: `States.*`, or one a task chose.
    pub error: String,
    /// What went wrong, in words.
    pub cause: Option<String>,
}

impl StatesError {
    /// A failure with this error name and cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StatesError {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }

    /// `States.Runtime`: neither retried nor caught by `States.ALL`.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(names::RUNTIME, cause)
    }

    /// `States.IntrinsicFailure`: an intrinsic function failed, for the reason `cause` gives.
    pub fn intrinsic(cause: impl Into<String>) -> Self {
        Self::new(names::INTRINSIC_FAILURE, cause)
    }

    /// AWS: States.Runtime and States.DataLimitExceeded are terminal; `States.ALL` does not
    /// match them (naming them explicitly does).
    pub fn is_terminal(&self) -> bool {
        self.error == names::RUNTIME || self.error == names::DATA_LIMIT_EXCEEDED
    }

    /// Whether this error matches one ErrorEquals entry.
    ///
    /// AWS (as recorded): States.Runtime is never retried or caught, not even when named;
    /// States.DataLimitExceeded is caught only when named.
    pub fn matches(&self, name: &str) -> bool {
        if self.error == names::RUNTIME {
            false
        } else if name == names::ALL {
            !self.is_terminal()
        } else if name == names::TASK_FAILED {
            // AWS: States.TaskFailed matches any task error except States.Timeout.
            self.error != names::TIMEOUT && !self.is_terminal()
        } else {
            self.error == name
        }
    }

    /// Whether a Retrier's or Catcher's ErrorEquals covers this error. AWS accepts an empty
    /// ErrorEquals and (as recorded) treats it as matching any error States.ALL matches.
    pub fn matches_any(&self, error_equals: &[String]) -> bool {
        if error_equals.is_empty() {
            return self.matches(names::ALL);
        }
        error_equals.iter().any(|n| self.matches(n))
    }
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Some(c) => write!(f, "{}: {}", self.error, c),
            None => f.write_str(&self.error),
        }
    }
}

impl std::error::Error for StatesError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_all_skips_terminal_errors() {
        assert!(StatesError::new("Custom", "x").matches(names::ALL));
        assert!(!StatesError::runtime("x").matches(names::ALL));
        assert!(!StatesError::runtime("x").matches(names::RUNTIME));
        assert!(
            StatesError::new(names::DATA_LIMIT_EXCEEDED, "x").matches(names::DATA_LIMIT_EXCEEDED)
        );
        assert!(StatesError::new("E", "x").matches_any(&[]));
        assert!(!StatesError::runtime("x").matches_any(&[]));
        assert!(!StatesError::new(names::DATA_LIMIT_EXCEEDED, "x").matches(names::ALL));
    }

    #[test]
    fn task_failed_matches_task_errors_but_not_timeouts() {
        assert!(StatesError::new("Lambda.Unknown", "x").matches(names::TASK_FAILED));
        assert!(!StatesError::new(names::TIMEOUT, "x").matches(names::TASK_FAILED));
    }
}
