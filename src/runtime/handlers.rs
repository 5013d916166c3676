//! Task handlers: what answers a Task state's resource. Rust async functions are
//! registered by resource ARN; mocked responses (see [`super::mock`]) take precedence for
//! executions started with a test case.

use super::clock::Clock;
use dashmap::DashMap;
use futures::future::BoxFuture;
use serde_json::Value;
use std::future::Future;
use std::sync::{Arc, RwLock};

/// What a handler is called with.
#[derive(Clone)]
pub struct TaskRequest {
    /// The Task state's Resource, which picked the handler.
    pub resource: String,
    /// The effective parameters (after InputPath and Parameters).
    pub parameters: Value,
    /// The Task state being run.
    pub state_name: String,
    /// The execution the task runs in.
    pub execution_arn: String,
    /// 0 for the first attempt, then 1, 2, ... for retries.
    pub attempt: u32,
    /// `$$.Task.Token` for callback-pattern resources.
    pub task_token: Option<String>,
    /// The execution's clock: a handler that simulates latency sleeps on it, so virtual
    /// time applies to it too.
    pub clock: Arc<dyn Clock>,
}

/// A task's failure: AWS error name and cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFailure {
    /// The error name, which Retry and Catch match.
    pub error: String,
    /// What went wrong, in words.
    pub cause: Option<String>,
}

impl From<TaskFailure> for crate::data::StatesError {
    fn from(f: TaskFailure) -> Self {
        crate::data::StatesError {
            error: f.error,
            cause: f.cause,
        }
    }
}

impl TaskFailure {
    /// A failure with this error name and cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        TaskFailure {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }
}

/// What a handler answers: the task's result, or how it failed.
pub type TaskResult = Result<Value, TaskFailure>;

/// Something that answers tasks.
pub trait TaskHandler: Send + Sync + 'static {
    /// Starts the task; the future resolves to its result.
    fn call(&self, request: TaskRequest) -> BoxFuture<'static, TaskResult>;
}

impl<F, Fut> TaskHandler for F
where
    F: Fn(TaskRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = TaskResult> + Send + 'static,
{
    fn call(&self, request: TaskRequest) -> BoxFuture<'static, TaskResult> {
        Box::pin(self(request))
    }
}

/// Handlers by resource ARN, exact or by prefix. Cheap to clone; shared by every
/// execution.
#[derive(Clone, Default)]
pub struct HandlerRegistry {
    by_resource: Arc<DashMap<String, Arc<dyn TaskHandler>>>,
    /// Handlers of every resource that starts with the prefix, longest prefix first.
    by_prefix: Arc<RwLock<Vec<Prefixed>>>,
}

/// A handler of the resources under a prefix.
type Prefixed = (String, Arc<dyn TaskHandler>);

impl HandlerRegistry {
    /// A registry with no handlers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` for `resource` (an exact ARN), replacing any earlier one.
    pub fn register(&self, resource: impl Into<String>, handler: impl TaskHandler) {
        self.by_resource.insert(resource.into(), Arc::new(handler));
    }

    /// Registers `handler` for every resource that starts with `prefix` and has no handler
    /// of its own (`arn:aws:lambda:` for every Lambda function), replacing any earlier one
    /// of the same prefix. A longer prefix is preferred.
    pub fn register_prefix(&self, prefix: impl Into<String>, handler: impl TaskHandler) {
        let prefix = prefix.into();
        let mut all = self.by_prefix.write().unwrap_or_else(|e| e.into_inner());
        all.retain(|(p, _)| *p != prefix);
        all.push((prefix, Arc::new(handler)));
        all.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    }

    /// Whether a handler is registered for exactly `resource` (not by a prefix).
    pub fn has_exact(&self, resource: &str) -> bool {
        self.by_resource.contains_key(resource)
    }

    /// The handler of `resource`: its own, or that of the longest prefix of it, if any.
    pub fn get(&self, resource: &str) -> Option<Arc<dyn TaskHandler>> {
        if let Some(h) = self.by_resource.get(resource) {
            return Some(Arc::clone(h.value()));
        }
        let all = self.by_prefix.read().unwrap_or_else(|e| e.into_inner());
        all.iter()
            .find(|(p, _)| resource.starts_with(p.as_str()))
            .map(|(_, h)| Arc::clone(h))
    }
}
