//! The statuses of executions and Map Runs, and the two types of state machine, with the
//! API's names.

use serde::Serialize;

/// `ExecutionStatus` of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum ExecutionStatus {
    RUNNING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    ABORTED,
    PENDING_REDRIVE,
}

impl ExecutionStatus {
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
    STANDARD,
    EXPRESS,
}

impl StateMachineType {
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
    RUNNING,
    SUCCEEDED,
    FAILED,
    ABORTED,
}

impl MapRunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MapRunStatus::RUNNING => "RUNNING",
            MapRunStatus::SUCCEEDED => "SUCCEEDED",
            MapRunStatus::FAILED => "FAILED",
            MapRunStatus::ABORTED => "ABORTED",
        }
    }
}
