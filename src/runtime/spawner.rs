//! Where actors run: arbiters handed out round-robin, and the queue fan-out children wait
//! in until an arbiter takes them.

use super::child_queue::{ChildQueue, Waiting};
use actix_rt::ArbiterHandle;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Hands out arbiters round-robin, so executions and their children spread over the cores.
#[derive(Clone)]
pub struct Spawner {
    arbiters: Arc<[ArbiterHandle]>,
    next: Arc<AtomicUsize>,
    children: Arc<ChildQueue>,
}

impl Spawner {
    pub fn new(arbiters: Vec<ArbiterHandle>) -> Self {
        Spawner {
            children: Arc::new(ChildQueue::new(arbiters.len())),
            arbiters: arbiters.into(),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn next(&self) -> &ArbiterHandle {
        &self.arbiters[self.pick()]
    }

    /// The index of the next arbiter, round-robin.
    pub fn pick(&self) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed) % self.arbiters.len()
    }

    /// Starts fan-out children on whichever arbiters have room for them.
    pub(crate) fn start_children(&self, children: Vec<Waiting>) {
        self.children.push(children, &self.arbiters);
    }

    pub fn len(&self) -> usize {
        self.arbiters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.arbiters.is_empty()
    }
}
