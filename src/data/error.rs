//! Errors of the language: what a state fails with (`States.*` or a task's own error name).

use std::fmt;

/// The predefined error names of ASL.
pub mod names {
    pub const ALL: &str = "States.ALL";
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    pub const TIMEOUT: &str = "States.Timeout";
    pub const TASK_FAILED: &str = "States.TaskFailed";
    pub const PERMISSIONS: &str = "States.Permissions";
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    pub const RUNTIME: &str = "States.Runtime";
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
}

/// A state's failure: an error name and an optional cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatesError {
    pub error: String,
    pub cause: Option<String>,
}

impl StatesError {
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
