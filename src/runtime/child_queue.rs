//! Fan-out children wait here until an arbiter takes them. Every arbiter takes a few at a
//! time and lets them run before it takes more, so a busy arbiter (the parent's, which also
//! handles every child's report) takes fewer and none sits idle while children wait. A
//! fixed share per arbiter left one core idle for a third of a large Distributed Map.

use actix_rt::ArbiterHandle;
use crossbeam::queue::SegQueue;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A child actor not started yet. The queue only starts it, on the arbiter that takes it;
/// what the child is belongs to the actor layer above.
pub(crate) trait Startable: Send {
    /// Starts the actor on the current arbiter.
    fn start(self: Box<Self>);
}

/// A child waiting to be started. Boxed: a child actor is large, and ten thousand of them
/// would be moved twice.
pub(crate) type Waiting = Box<dyn Startable>;

/// How many children an arbiter starts before it lets them run.
const TAKE: usize = 64;

pub(crate) struct ChildQueue {
    groups: SegQueue<Vec<Waiting>>,
    /// Per arbiter: it has a turn of taking scheduled.
    taking: Box<[AtomicBool]>,
}

impl ChildQueue {
    pub(crate) fn new(arbiters: usize) -> Self {
        ChildQueue {
            groups: SegQueue::new(),
            taking: (0..arbiters).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    /// Queues children, in groups of [`TAKE`], and makes sure every arbiter takes some.
    pub(crate) fn push(self: &Arc<Self>, children: Vec<Waiting>, arbiters: &Arc<[ArbiterHandle]>) {
        if children.is_empty() {
            return;
        }
        let mut group = Vec::with_capacity(TAKE);
        for child in children {
            group.push(child);
            if group.len() == TAKE {
                self.groups
                    .push(std::mem::replace(&mut group, Vec::with_capacity(TAKE)));
            }
        }
        if !group.is_empty() {
            self.groups.push(group);
        }
        for i in 0..arbiters.len() {
            self.wake(i, arbiters);
        }
    }

    fn wake(self: &Arc<Self>, i: usize, arbiters: &Arc<[ArbiterHandle]>) {
        if !self.taking[i].swap(true, Ordering::AcqRel) {
            let (queue, all) = (Arc::clone(self), Arc::clone(arbiters));
            arbiters[i].spawn_fn(move || queue.take(i, all));
        }
    }

    /// On arbiter `i`: starts one group, then comes back for another after the tasks
    /// queued on this arbiter meanwhile (those children among them) had their turn.
    fn take(self: Arc<Self>, i: usize, arbiters: Arc<[ArbiterHandle]>) {
        let Some(group) = self.groups.pop() else {
            self.taking[i].store(false, Ordering::Release);
            // A push that came between the pop and the store saw this arbiter taking.
            if !self.groups.is_empty() {
                self.wake(i, &arbiters);
            }
            return;
        };
        for child in group {
            child.start();
        }
        actix_rt::spawn(async move {
            tokio::task::yield_now().await;
            self.take(i, arbiters);
        });
    }
}
