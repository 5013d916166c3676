//! Task tokens of `.waitForTaskToken` tasks: the task waits, holding no actor and no thread,
//! until SendTaskSuccess, SendTaskFailure or its timeout answers it; SendTaskHeartbeat
//! pushes its heartbeat deadline back.
//!
//! A token names its execution and state, so that an answer for a task that is gone can be
//! told apart from a token this service never gave out.
//!
//! A task that waits on nothing but its token (no deadline races it) lays its execution
//! down here as a [`Sleeper`]: the execution's actor stops, and the answer starts a new one
//! where it left off. A hundred thousand executions waiting on workers then cost their data,
//! not a hundred thousand live actors.

use super::handlers::{TaskFailure, TaskResult};
use base64::Engine;
use dashmap::DashMap;
use futures::future::BoxFuture;
use futures::FutureExt;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicUsize, Ordering};
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
pub struct Callbacks(Arc<Lists>);

/// What [`Callbacks`] shares: one pointer for every execution that holds it.
#[derive(Default)]
pub struct Lists {
    waiting: DashMap<TokenKey, Waiter>,
    /// Tokens whose tasks timed out, kept so that a late answer is told so.
    timed_out: DashMap<TokenKey, ()>,
    /// The keys that stand for tokens in these lists.
    keys: (RandomState, RandomState),
    /// How many of the waiting tasks' executions sleep.
    sleepers: AtomicUsize,
    /// Set once the service goes away: no execution lies down after its sleepers were
    /// shut down (it stays with its actor, which the runtime's end stops).
    closed: std::sync::atomic::AtomicBool,
}

struct Waiter {
    answer: Answer,
    /// Only for a task with HeartbeatSeconds: a heartbeat of any other task changes
    /// nothing, and most tasks wait without this channel's weight.
    beats: Option<watch::Sender<u64>>,
}

/// A token as the waiting lists know it: 128 bits of a hash keyed at random for this
/// service, so that a hundred thousand waiting tasks do not each keep a copy of their
/// long token (the worker has it, and the history). Nobody outside knows the hash's keys,
/// so nobody can make two tokens that share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenKey(u128);

/// Where the answer for a token goes.
enum Answer {
    /// To the task's actor, which waits for it.
    Live(oneshot::Sender<TaskResult>),
    /// To the execution laid down while it waits, which the answer wakes.
    Parked(Box<dyn Sleeper>),
}

/// An execution laid down while its task waits on a token.
pub trait Sleeper: Send + Sync {
    /// The token was answered: go on from the task's end.
    fn wake(self: Box<Self>, answer: TaskResult);
    /// StopExecution came while it slept: end it ABORTED.
    fn stop(self: Box<Self>, stop: super::messages::StopExecution);
    /// The service is going away: end it as an execution whose actor stopped with the
    /// runtime.
    fn shut_down(self: Box<Self>);
}

/// A task's wait for its token: its answer, and the heartbeats that came before it. The
/// token stops being waited on when this is dropped (the task ended another way), unless
/// it was [parked](Wait::parked).
pub struct Wait {
    answer: oneshot::Receiver<TaskResult>,
    /// Changes with every SendTaskHeartbeat, when heartbeats were asked for.
    pub beats: Option<watch::Receiver<u64>>,
    /// The token's key in the waiting list.
    pub key: TokenKey,
    guard: Unregister,
}

impl Wait {
    /// Resolves to the answer given for the token.
    pub fn answer(self) -> BoxFuture<'static, TaskResult> {
        let Wait { answer, guard, .. } = self;
        answer
            .map(move |r| {
                drop(guard);
                r.unwrap_or_else(|_| {
                    Err(TaskFailure::new(
                        crate::data::names::TASK_FAILED,
                        "The task's token was dropped without an answer",
                    ))
                })
            })
            .boxed()
    }

    /// The task was laid down with [`Callbacks::park`]: its sleeper waits on the token now.
    pub fn parked(self) {
        let mut guard = self.guard;
        guard.armed = false;
    }
}

impl std::ops::Deref for Callbacks {
    type Target = Lists;

    fn deref(&self) -> &Lists {
        &self.0
    }
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

    /// The key `token` has in the waiting lists.
    pub fn key(&self, token: &str) -> TokenKey {
        let (a, b) = &self.keys;
        TokenKey(u128::from(a.hash_one(token)) << 64 | u128::from(b.hash_one(token)))
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
        let key = self.key(token);
        self.waiting.insert(
            key,
            Waiter {
                answer: Answer::Live(tx),
                beats,
            },
        );
        let guard = Unregister {
            callbacks: self.clone(),
            key,
            armed: true,
        };
        Wait {
            answer: rx,
            beats: beat_rx,
            key,
            guard,
        }
    }

    /// Lays the task waiting on `token` down as the sleeper `make` gives, unless it was
    /// answered already (false: its answer waits in its [`Wait`]).
    pub fn park(&self, key: TokenKey, make: impl FnOnce() -> Box<dyn Sleeper>) -> bool {
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        let parked = match self.waiting.get_mut(&key) {
            Some(mut w) => {
                w.answer = Answer::Parked(make());
                self.sleepers.fetch_add(1, Ordering::Relaxed);
                true
            }
            None => false,
        };
        // The service went away while it lay down: it ends as the others did.
        if parked && self.closed.load(Ordering::Acquire) {
            if let Some(sleeper) = self.take_parked(key) {
                sleeper.shut_down();
            }
        }
        parked
    }

    /// Takes back the sleeper waiting on the token of `key`, if it still sleeps.
    pub fn take_parked(&self, key: TokenKey) -> Option<Box<dyn Sleeper>> {
        let (_, w) = self
            .waiting
            .remove_if(&key, |_, w| matches!(w.answer, Answer::Parked(_)))?;
        match w.answer {
            Answer::Parked(s) => {
                self.sleepers.fetch_sub(1, Ordering::Relaxed);
                Some(s)
            }
            Answer::Live(_) => None,
        }
    }

    /// Shuts down every sleeper (the service is going away). Sleepers hold the settings
    /// that hold this list: without this, they would keep each other alive.
    pub fn release_parked(&self) {
        self.closed.store(true, Ordering::Release);
        let keys: Vec<TokenKey> = self
            .waiting
            .iter()
            .filter(|w| matches!(w.answer, Answer::Parked(_)))
            .map(|w| *w.key())
            .collect();
        for sleeper in keys.into_iter().filter_map(|k| self.take_parked(k)) {
            sleeper.shut_down();
        }
    }

    /// Answers the task waiting on `token`.
    pub fn answer(&self, token: &str, result: TaskResult) -> Result<(), CallbackError> {
        match self.waiting.remove(&self.key(token)).map(|(_, w)| w.answer) {
            // A task whose execution stopped between the lookup and the send is gone too.
            Some(Answer::Live(tx)) => tx.send(result).map_err(|_| CallbackError::TaskDoesNotExist),
            Some(Answer::Parked(sleeper)) => {
                self.sleepers.fetch_sub(1, Ordering::Relaxed);
                sleeper.wake(result);
                Ok(())
            }
            None => Err(self.why_not_waiting(token)),
        }
    }

    /// Tells the task waiting on `token` that its worker is alive.
    pub fn heartbeat(&self, token: &str) -> Result<(), CallbackError> {
        match self.waiting.get(&self.key(token)) {
            Some(w) => {
                if let Some(b) = &w.beats {
                    b.send_modify(|n| *n += 1);
                }
                Ok(())
            }
            None => Err(self.why_not_waiting(token)),
        }
    }

    /// Records that the task of the token of `key` timed out.
    pub fn timed_out(&self, key: TokenKey) {
        self.waiting.remove(&key);
        self.timed_out.insert(key, ());
    }

    /// How many tasks wait on tokens now.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// How many of them have laid their executions down (no actor runs those).
    pub fn sleeping(&self) -> usize {
        self.sleepers.load(Ordering::Relaxed)
    }

    /// Why nothing can take an answer for `token`, as if no task waited on it.
    pub fn why_not_waiting(&self, token: &str) -> CallbackError {
        if Self::execution_of(token).is_none() {
            CallbackError::InvalidToken
        } else if self.timed_out.contains_key(&self.key(token)) {
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
    key: TokenKey,
    armed: bool,
}

impl Drop for Unregister {
    fn drop(&mut self) {
        if self.armed {
            // Only a live wait's own entry: a sleeper's is its own to remove.
            self.callbacks
                .waiting
                .remove_if(&self.key, |_, w| matches!(w.answer, Answer::Live(_)));
        }
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
        let got = futures::executor::block_on(wait.answer()).unwrap();
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
        let wait = c.wait(&late, false);
        c.timed_out(wait.key);
        assert_eq!(
            c.answer(&late, Ok(json!(1))),
            Err(CallbackError::TaskTimedOut)
        );
    }
}
