//! SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat: a worker answers a
//! `.waitForTaskToken` task by its token.

use super::error::ApiError;
use super::service::StepFunctions;
use super::types::*;
use crate::runtime::callbacks::{CallbackError, Callbacks};
use crate::runtime::handlers::TaskFailure;
use serde_json::Value;

impl StepFunctions {
    /// SendTaskSuccess: the task of `taskToken` succeeds with `output`.
    pub fn send_task_success(&self, req: SendTaskSuccessInput) -> Result<CallbackOutput, ApiError> {
        if req.output.len() > self.service.payload_limit {
            return Err(ApiError::payload_too_large(
                "output",
                self.service.payload_limit,
            ));
        }
        let output: Value = serde_json::from_str(&req.output)
            .map_err(|e| ApiError::InvalidOutput(format!("Invalid output: {e}")))?;
        self.to_task(&req.task_token, |c, token| c.answer(token, Ok(output)))
    }

    /// SendTaskFailure: the task of `taskToken` fails with `error` and `cause`.
    pub fn send_task_failure(&self, req: SendTaskFailureInput) -> Result<CallbackOutput, ApiError> {
        let failure = TaskFailure {
            error: req.error.unwrap_or_default(),
            cause: req.cause,
        };
        self.to_task(&req.task_token, |c, token| c.answer(token, Err(failure)))
    }

    /// SendTaskHeartbeat: the task of `taskToken` is still being worked on; its
    /// HeartbeatSeconds start again.
    pub fn send_task_heartbeat(&self, req: TaskTokenInput) -> Result<CallbackOutput, ApiError> {
        self.to_task(&req.task_token, Callbacks::heartbeat)
    }

    /// Delivers `send` to the task waiting on `token`. A token's task is gone once its
    /// execution has ended, even while the ended execution's actor has not yet dropped its
    /// wait.
    fn to_task(
        &self,
        token: &str,
        send: impl FnOnce(&Callbacks, &str) -> Result<(), CallbackError>,
    ) -> Result<CallbackOutput, ApiError> {
        let ended = Callbacks::execution_of(token)
            .and_then(|arn| self.execution(&arn).ok())
            .is_some_and(|r| r.status().is_terminal());
        let sent = if ended {
            Err(self.callbacks().why_not_waiting(token))
        } else {
            send(self.callbacks(), token)
        };
        sent.map_err(|e| refused(e, token))?;
        Ok(CallbackOutput {})
    }

    /// How many executions sleep while their tasks wait on task tokens: they hold their
    /// data and no actor until the token is answered.
    pub fn sleeping_executions(&self) -> usize {
        self.callbacks().sleeping()
    }

    fn callbacks(&self) -> &Callbacks {
        &self.service.config.callbacks
    }
}

/// The API's error for an answer the token's task cannot take.
fn refused(e: CallbackError, token: &str) -> ApiError {
    match e {
        CallbackError::InvalidToken => ApiError::InvalidToken(format!("Invalid Token: '{token}'")),
        CallbackError::TaskDoesNotExist => {
            ApiError::TaskDoesNotExist(format!("Task Does Not Exist: '{token}'"))
        }
        CallbackError::TaskTimedOut => ApiError::TaskTimedOut(format!("Task Timed Out: '{token}'")),
    }
}
