//! Activity tasks: an activity Task state with no handler of its own queues its task on the
//! activity, and workers take tasks off the queue with GetActivityTask. Each task goes to
//! exactly one worker; a task whose state ended before a worker came (a timeout, a stop)
//! is passed over. The answer comes back through the task's token, as for callbacks.

use dashmap::DashMap;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// AWS holds a GetActivityTask poll open for at most 60 seconds.
pub const ACTIVITY_POLL: Duration = Duration::from_secs(60);

/// The activities that exist, with their queues of tasks. Cheap to clone; shared by the
/// service and every execution.
#[derive(Clone, Default)]
pub struct Activities {
    queues: Arc<DashMap<String, Arc<Queue>>>,
}

#[derive(Default)]
struct Queue {
    tasks: Mutex<VecDeque<Arc<ActivityTask>>>,
    /// Wakes a waiting worker when a task arrives.
    arrived: Notify,
}

/// A task given to an activity.
pub struct ActivityTask {
    token: String,
    input: String,
    claim: Mutex<Claim>,
    /// Wakes the execution when a worker has the task, or the state gave it up.
    started: Notify,
}

/// Who has a task. A worker's claim is confirmed once its poll has answered; a claim
/// whose poll went away is released and the task is queued again.
#[derive(Default)]
struct Claim {
    worker: Option<String>,
    confirmed: bool,
    /// The state stopped waiting for a worker (it ended another way).
    gone: bool,
}

/// A task as a worker receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The token the worker answers with.
    pub task_token: String,
    /// The task's input, JSON text.
    pub input: String,
}

impl Activities {
    /// Makes `arn` an activity that takes tasks (nothing changes if it is one).
    pub fn create(&self, arn: &str) {
        self.queues.entry(arn.to_string()).or_default();
    }

    /// Ends the activity: new tasks for it fail to schedule; tasks already queued stay
    /// with the states that wait for them.
    pub fn delete(&self, arn: &str) {
        self.queues.remove(arn);
    }

    /// Queues a task on the activity `arn`, or `None` if there is no such activity.
    pub fn schedule(&self, arn: &str, token: String, input: String) -> Option<Arc<ActivityTask>> {
        let queue = Arc::clone(self.queues.get(arn)?.value());
        let task = Arc::new(ActivityTask {
            token,
            input,
            claim: Mutex::new(Claim::default()),
            started: Notify::new(),
        });
        {
            let mut tasks = queue.tasks.lock().unwrap_or_else(|e| e.into_inner());
            // Tasks given up at the front would otherwise wait for a worker to pass them.
            while tasks.front().is_some_and(|t| t.is_gone()) {
                tasks.pop_front();
            }
            tasks.push_back(Arc::clone(&task));
        }
        queue.arrived.notify_one();
        Some(task)
    }

    /// Waits up to `wait` for a task of the activity `arn` and claims it for `worker`;
    /// `Ok(None)` if none came, `Err(())` if there is no such activity. The claim holds
    /// once [`ActivityTask::confirm`]ed; a poll that cannot deliver the task gives it back
    /// with [`Activities::put_back`].
    pub async fn take(
        &self,
        arn: &str,
        worker: Option<&str>,
        wait: Duration,
    ) -> Result<Option<(Delivered, Arc<ActivityTask>)>, ()> {
        let queue = Arc::clone(self.queues.get(arn).ok_or(())?.value());
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // Registered before the queue is looked at, so that a task queued in between
            // still wakes this worker.
            let arrived = queue.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if let Some(d) = queue.take_one(worker) {
                return Ok(Some(d));
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return Ok(None);
            }
        }
    }

    /// Queues a claimed task again, first, because its poll could not deliver it.
    pub fn put_back(&self, arn: &str, task: Arc<ActivityTask>) {
        {
            let mut c = task.claim();
            c.worker = None;
            if c.gone {
                return;
            }
        }
        if let Some(queue) = self.queues.get(arn).map(|q| Arc::clone(q.value())) {
            queue
                .tasks
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push_front(task);
            queue.arrived.notify_one();
        }
    }

    /// How many tasks are queued on `arn` and not yet taken or given up.
    pub fn queued(&self, arn: &str) -> usize {
        self.queues.get(arn).map_or(0, |q| {
            q.tasks
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .filter(|t| t.is_waiting())
                .count()
        })
    }
}

impl Queue {
    fn take_one(&self, worker: Option<&str>) -> Option<(Delivered, Arc<ActivityTask>)> {
        let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(task) = tasks.pop_front() {
            if task.try_claim(worker.unwrap_or_default()) {
                if !tasks.is_empty() {
                    // A notification wakes one worker; pass it on to the next.
                    self.arrived.notify_one();
                }
                let d = Delivered {
                    task_token: task.token.clone(),
                    input: task.input.clone(),
                };
                return Some((d, task));
            }
        }
        None
    }
}

impl ActivityTask {
    fn claim(&self) -> std::sync::MutexGuard<'_, Claim> {
        self.claim.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn try_claim(&self, worker: &str) -> bool {
        let mut c = self.claim();
        if c.gone || c.worker.is_some() {
            return false;
        }
        c.worker = Some(worker.to_string());
        true
    }

    fn is_gone(&self) -> bool {
        self.claim().gone
    }

    fn is_waiting(&self) -> bool {
        let c = self.claim();
        !c.gone && c.worker.is_none()
    }

    /// The worker's poll answered with the task: it is the worker's now.
    pub fn confirm(&self) {
        self.claim().confirmed = true;
        self.started.notify_one();
    }

    /// The name of the worker that has the task (empty if it gave none), once one does.
    pub fn worker(&self) -> Option<String> {
        let c = self.claim();
        c.confirmed.then(|| c.worker.clone()).flatten()
    }

    /// The worker a poll took the task for, confirmed or not: when the task is answered,
    /// its worker had it even if its poll has not confirmed yet.
    pub fn holder(&self) -> Option<String> {
        self.claim().worker.clone()
    }

    /// The state no longer waits for a worker: a worker that comes later passes it over.
    pub fn give_up(&self) {
        self.claim().gone = true;
        self.started.notify_one();
    }

    /// Resolves once a worker has the task or the state gave it up.
    pub async fn settled(&self) {
        loop {
            let notified = self.started.notified();
            {
                let c = self.claim();
                if c.gone || c.confirmed {
                    return;
                }
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:states:us-east-1:123456789012:activity:a";

    #[tokio::test]
    async fn each_task_goes_to_one_worker_and_given_up_tasks_are_passed_over() {
        let acts = Activities::default();
        assert!(acts.schedule(ARN, "t0".into(), "{}".into()).is_none());
        assert!(acts.take(ARN, None, Duration::ZERO).await.is_err());
        acts.create(ARN);
        let gone = acts.schedule(ARN, "t1".into(), "1".into()).unwrap();
        let kept = acts.schedule(ARN, "t2".into(), "2".into()).unwrap();
        gone.give_up();
        assert_eq!(acts.queued(ARN), 1);
        let (d, task) = acts
            .take(ARN, Some("w1"), Duration::ZERO)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            d,
            Delivered {
                task_token: "t2".into(),
                input: "2".into()
            }
        );
        // A poll that could not deliver it gives it back; the next worker gets it.
        assert_eq!(task.worker(), None, "not the worker's until confirmed");
        acts.put_back(ARN, task);
        let (_, task) = acts
            .take(ARN, Some("w2"), Duration::ZERO)
            .await
            .unwrap()
            .unwrap();
        task.confirm();
        kept.settled().await;
        assert_eq!(kept.worker().as_deref(), Some("w2"));
        assert_eq!(gone.worker(), None);
        kept.give_up();
        assert_eq!(
            kept.worker().as_deref(),
            Some("w2"),
            "a taken task stays taken"
        );
        let none = acts
            .take(ARN, None, Duration::from_millis(5))
            .await
            .unwrap();
        assert!(none.is_none());
    }

    #[tokio::test]
    async fn a_waiting_worker_is_woken_by_a_new_task() {
        let acts = Activities::default();
        acts.create(ARN);
        let workers: Vec<_> = (0..3)
            .map(|i| {
                let acts = acts.clone();
                tokio::spawn(async move {
                    let (d, task) = acts
                        .take(ARN, Some(&format!("w{i}")), Duration::from_secs(10))
                        .await
                        .unwrap()
                        .expect("a task");
                    task.confirm();
                    d
                })
            })
            .collect();
        tokio::task::yield_now().await;
        let tasks: Vec<_> = (0..3)
            .map(|i| acts.schedule(ARN, format!("t{i}"), "{}".into()).unwrap())
            .collect();
        let mut got: Vec<String> = Vec::new();
        for w in workers {
            got.push(w.await.unwrap().task_token);
        }
        got.sort();
        assert_eq!(got, ["t0", "t1", "t2"]);
        for t in &tasks {
            t.settled().await;
            assert!(t.worker().is_some_and(|w| w.starts_with('w')));
        }
    }
}
