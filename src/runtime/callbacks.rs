//! Task tokens of `.waitForTaskToken` tasks: the task waits, holding no actor and no thread,
//! until SendTaskSuccess, SendTaskFailure or its timeout answers it; SendTaskHeartbeat
//! pushes its heartbeat deadline back.
//!
//! A token names its execution and state, so that an answer for a task that is gone can be
//! told apart from a token this service never gave out.

use super::handlers::{TaskFailure, TaskResult};
use base64::Engine;
use dashmap::DashMap;
use futures::future::BoxFuture;
use futures::FutureExt;
use std::sync::Arc;
use tokio::sync::{oneshot, watch};

/// What tokens start with once decoded, so that anything else is refused as not a token.
const TOKEN_TAG: &str = "sfn-task-token:1";

/// Why an answer for a token was refused, as the API names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackError {
    /// Not a token this service gives out.
    InvalidToken,
    /// A token of a task that is no longer waiting (answered, or its execution ended).
    TaskDoesNotExist,
    /// A token of a task that timed out.
    TaskTimedOut,
}

/// The tasks waiting on tokens. Cheap to clone; shared by the service and every execution.
#[derive(Clone, Default)]
pub struct Callbacks {
    waiting: Arc<DashMap<Arc<str>, Waiter>>,
    /// Tokens whose tasks timed out, kept so that a late answer is told so.
    timed_out: Arc<DashMap<Arc<str>, ()>>,
}

struct Waiter {
    answer: oneshot::Sender<TaskResult>,
    /// Only for a task with HeartbeatSeconds: a heartbeat of any other task changes
    /// nothing, and most tasks wait without this channel's weight.
    beats: Option<watch::Sender<u64>>,
}

/// A task's wait for its token: its answer, and the heartbeats that came before it. The
/// token stops being waited on when this is dropped (the task ended another way).
pub struct Wait {
    /// Resolves to the answer given for the token.
    pub answer: BoxFuture<'static, TaskResult>,
    /// Changes with every SendTaskHeartbeat, when heartbeats were asked for.
    pub beats: Option<watch::Receiver<u64>>,
    /// The token, shared with the waiting list.
    pub token: Arc<str>,
}

impl Callbacks {
    /// A new token for a task of `state` in `execution`; `unique` tells apart the tasks of
    /// one state (a UUID).
    pub fn token(execution: &str, state: &str, unique: &str) -> String {
        let text = format!("{TOKEN_TAG}\n{execution}\n{state}\n{unique}");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    /// The execution ARN a token names, if it is one of this service's tokens.
    pub fn execution_of(token: &str) -> Option<String> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut parts = text.split('\n');
        (parts.next()? == TOKEN_TAG).then_some(())?;
        let execution = parts.next()?.to_string();
        parts.next()?;
        parts.next()?;
        Some(execution)
    }

    /// Starts waiting on `token`; `heartbeats` when the task has HeartbeatSeconds.
    pub fn wait(&self, token: &str, heartbeats: bool) -> Wait {
        let (tx, rx) = oneshot::channel();
        let (beats, beat_rx) = match heartbeats {
            true => {
                let (b, r) = watch::channel(0);
                (Some(b), Some(r))
            }
            false => (None, None),
        };
        let token: Arc<str> = Arc::from(token);
        self.waiting
            .insert(Arc::clone(&token), Waiter { answer: tx, beats });
        let guard = Unregister {
            callbacks: self.clone(),
            token: Arc::clone(&token),
        };
        let answer = rx
            .map(move |r| {
                drop(guard);
                r.unwrap_or_else(|_| {
                    Err(TaskFailure::new(
                        crate::data::names::TASK_FAILED,
                        "The task's token was dropped without an answer",
                    ))
                })
            })
            .boxed();
        Wait {
            answer,
            beats: beat_rx,
            token,
        }
    }

    /// Answers the task waiting on `token`.
    pub fn answer(&self, token: &str, result: TaskResult) -> Result<(), CallbackError> {
        match self.waiting.remove(token) {
            // A task whose execution stopped between the lookup and the send is gone too.
            Some((_, w)) => w
                .answer
                .send(result)
                .map_err(|_| CallbackError::TaskDoesNotExist),
            None => Err(self.why_not_waiting(token)),
        }
    }

    /// Tells the task waiting on `token` that its worker is alive.
    pub fn heartbeat(&self, token: &str) -> Result<(), CallbackError> {
        match self.waiting.get(token) {
            Some(w) => {
                if let Some(b) = &w.beats {
                    b.send_modify(|n| *n += 1);
                }
                Ok(())
            }
            None => Err(self.why_not_waiting(token)),
        }
    }

    /// Records that the task of `token` timed out.
    pub fn timed_out(&self, token: &str) {
        self.waiting.remove(token);
        self.timed_out.insert(Arc::from(token), ());
    }

    /// How many tasks wait on tokens now.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// Why nothing can take an answer for `token`, as if no task waited on it.
    pub fn why_not_waiting(&self, token: &str) -> CallbackError {
        if Self::execution_of(token).is_none() {
            CallbackError::InvalidToken
        } else if self.timed_out.contains_key(token) {
            CallbackError::TaskTimedOut
        } else {
            CallbackError::TaskDoesNotExist
        }
    }
}

/// Takes a token off the waiting list when its wait is dropped unanswered (a timeout won
/// the race, or the execution stopped).
struct Unregister {
    callbacks: Callbacks,
    token: Arc<str>,
}

impl Drop for Unregister {
    fn drop(&mut self) {
        self.callbacks.waiting.remove(&self.token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_answer_reaches_the_waiting_task_once() {
        let c = Callbacks::default();
        let token = Callbacks::token("arn:aws:states:us-east-1:1:execution:m:e", "S", "u1");
        assert_eq!(
            Callbacks::execution_of(&token).as_deref(),
            Some("arn:aws:states:us-east-1:1:execution:m:e")
        );
        let wait = c.wait(&token, true);
        c.heartbeat(&token).unwrap();
        assert!(wait.beats.as_ref().unwrap().has_changed().unwrap());
        c.answer(&token, Ok(json!(1))).unwrap();
        let got = futures::executor::block_on(wait.answer).unwrap();
        assert_eq!(got, json!(1));
        assert_eq!(c.waiting(), 0);
        assert_eq!(
            c.answer(&token, Ok(json!(2))),
            Err(CallbackError::TaskDoesNotExist)
        );
        assert_eq!(
            c.answer("not a token", Ok(json!(2))),
            Err(CallbackError::InvalidToken)
        );
    }

    #[test]
    fn a_dropped_wait_stops_waiting_and_a_timeout_is_remembered() {
        let c = Callbacks::default();
        let token = Callbacks::token("arn:e", "S", "u2");
        drop(c.wait(&token, false));
        assert_eq!(c.waiting(), 0);
        assert_eq!(c.heartbeat(&token), Err(CallbackError::TaskDoesNotExist));
        let late = Callbacks::token("arn:e", "S", "u3");
        let _wait = c.wait(&late, false);
        c.timed_out(&late);
        assert_eq!(
            c.answer(&late, Ok(json!(1))),
            Err(CallbackError::TaskTimedOut)
        );
    }
}
