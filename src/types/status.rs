//! The statuses of executions and Map Runs, and the two types of state machine, with the
//! API's names.

use serde::Serialize;

/// `ExecutionStatus` of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum ExecutionStatus {
    /// Started and not ended yet.
    RUNNING,
    /// Ended successfully, with an output.
    SUCCEEDED,
    /// Ended with an error that no Catch handled (or at a Fail state).
    FAILED,
    /// Ended because it ran longer than the definition's TimeoutSeconds.
    TIMED_OUT,
    /// Stopped before it ended: by StopExecution, or as a child of a Map Run that failed.
    ABORTED,
    /// A redrive was accepted, and the execution has not run again yet.
    PENDING_REDRIVE,
}

impl ExecutionStatus {
    /// The API's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::RUNNING => "RUNNING",
            ExecutionStatus::SUCCEEDED => "SUCCEEDED",
            ExecutionStatus::FAILED => "FAILED",
            ExecutionStatus::TIMED_OUT => "TIMED_OUT",
            ExecutionStatus::ABORTED => "ABORTED",
            ExecutionStatus::PENDING_REDRIVE => "PENDING_REDRIVE",
        }
    }

    /// The status the API calls `s`, if there is one.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "RUNNING" => ExecutionStatus::RUNNING,
            "SUCCEEDED" => ExecutionStatus::SUCCEEDED,
            "FAILED" => ExecutionStatus::FAILED,
            "TIMED_OUT" => ExecutionStatus::TIMED_OUT,
            "ABORTED" => ExecutionStatus::ABORTED,
            "PENDING_REDRIVE" => ExecutionStatus::PENDING_REDRIVE,
            _ => return None,
        })
    }

    /// Whether the execution has ended: anything but RUNNING and PENDING_REDRIVE.
    pub fn is_terminal(self) -> bool {
        !matches!(
            self,
            ExecutionStatus::RUNNING | ExecutionStatus::PENDING_REDRIVE
        )
    }
}

/// `StateMachineType` of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[allow(clippy::upper_case_acronyms)]
pub enum StateMachineType {
    /// Executions that record a full event history (GetExecutionHistory).
    STANDARD,
    /// Executions that record no event history.
    EXPRESS,
}

impl StateMachineType {
    /// The API's name for the type.
    pub fn as_str(self) -> &'static str {
        match self {
            StateMachineType::STANDARD => "STANDARD",
            StateMachineType::EXPRESS => "EXPRESS",
        }
    }
}

/// `MapRunStatus` of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum MapRunStatus {
    /// Started, with children still to start or finish.
    RUNNING,
    /// Ended with no more failed children than it tolerates.
    SUCCEEDED,
    /// Ended unsuccessfully, e.g. with more failed children than it tolerates.
    FAILED,
    /// Stopped before it ended, as when its parent execution was stopped.
    ABORTED,
}

impl MapRunStatus {
    /// The API's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            MapRunStatus::RUNNING => "RUNNING",
            MapRunStatus::SUCCEEDED => "SUCCEEDED",
            MapRunStatus::FAILED => "FAILED",
            MapRunStatus::ABORTED => "ABORTED",
        }
    }
}
