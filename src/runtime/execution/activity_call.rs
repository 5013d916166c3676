//! An activity Task state with no handler of its own: its task is queued on the activity
//! for a worker (GetActivityTask), `ActivityStarted` is recorded when a worker takes it,
//! and the worker's answer comes back through the task's token.

use super::actor::{ExecutionActor, Flow};
use crate::asl::model::State;
use crate::data::{names, StatesError};
use crate::runtime::activities::ActivityTask;
use crate::runtime::handlers::TaskResult;
use crate::runtime::history::{task_event, TaskPhase};
use crate::types::HistoryEventType;
use actix::prelude::*;
use futures::future::{BoxFuture, FutureExt};
use serde_json::json;
use std::sync::Arc;

/// Gives the task up when the state stops waiting on it, however that happens (answer,
/// timeout, stop), so that no worker is handed a task nobody waits for.
struct GiveUp(Arc<ActivityTask>);

impl Drop for GiveUp {
    fn drop(&mut self) {
        self.0.give_up();
    }
}

impl ExecutionActor {
    /// Queues the task on the activity `arn`; the future resolves with the worker's answer
    /// through `answer`. Fails the state if there is no such activity.
    pub(crate) fn queue_activity(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        arn: &str,
        token: &str,
        input: String,
        answer: BoxFuture<'static, TaskResult>,
    ) -> Result<BoxFuture<'static, TaskResult>, Flow> {
        let Some(task) = self.exec.activities.schedule(arn, token.to_string(), input) else {
            let cause = format!("The activity '{arn}' does not exist");
            self.event(HistoryEventType::ActivityScheduleFailed, || {
                Some(json!({"error": names::RUNTIME, "cause": cause}))
            });
            let e = StatesError {
                error: names::RUNTIME.into(),
                cause: Some(cause),
            };
            return Err(self.state_error(ctx, state, e, false));
        };
        let watched = Arc::clone(&task);
        ctx.spawn(
            async move { watched.settled().await }
                .into_actor(self)
                .map(|(), act, _| act.activity_started(false)),
        );
        if let Some(pos) = self.pos.as_mut() {
            pos.activity = Some(Arc::clone(&task));
        }
        let guard = GiveUp(task);
        Ok(async move {
            let r = answer.await;
            drop(guard);
            r
        }
        .boxed())
    }

    /// Records `ActivityStarted` once a worker took the current state's task. Called when
    /// the worker takes it and again before the task's end is recorded, whichever sees it
    /// first, so that the event always comes before the end.
    pub(crate) fn activity_started(&mut self, at_end: bool) {
        let Some(pos) = self.pos.as_mut() else {
            return;
        };
        let worker = pos
            .activity
            .as_ref()
            .and_then(|t| if at_end { t.holder() } else { t.worker() });
        let Some(worker) = worker else {
            return;
        };
        pos.activity = None;
        self.event(task_event("Activity", TaskPhase::Started), || {
            Some(if worker.is_empty() {
                json!({})
            } else {
                json!({ "workerName": worker })
            })
        });
    }
}
