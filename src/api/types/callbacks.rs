//! The shapes of SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat.

use serde::{Deserialize, Serialize};

/// SendTaskSuccess's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskSuccessInput {
    /// The token the task was given (`$$.Task.Token`).
    pub task_token: String,
    /// The task's result, as JSON text.
    pub output: String,
}

/// SendTaskFailure's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskFailureInput {
    /// The token the task was given (`$$.Task.Token`).
    pub task_token: String,
    /// The error name the task fails with, which Retry and Catch match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What went wrong, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// A request naming one task by its token: SendTaskHeartbeat's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskTokenInput {
    /// The token the task was given (`$$.Task.Token`).
    pub task_token: String,
}

/// The answer of the three callback operations, which has no members.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CallbackOutput {}
