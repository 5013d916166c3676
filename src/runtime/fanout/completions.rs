//! Children report to their parent through a shared queue rather than one message each:
//! the parent receives every finished child, and a fan-out of a million children would
//! otherwise cost a million cross-thread messages and wake-ups on the busiest core. The
//! first report into an empty queue sends one wake-up; the parent then takes the whole
//! batch at once.

use crate::runtime::messages::{ChildFinished, ReportsWaiting};
use actix::prelude::*;
use std::sync::Mutex;

/// A parent's queue of child reports.
pub(crate) struct Completions {
    queue: Mutex<Vec<ChildFinished>>,
    wake: Recipient<ReportsWaiting>,
}

impl Completions {
    pub(crate) fn new(wake: Recipient<ReportsWaiting>) -> Self {
        Completions {
            queue: Mutex::new(Vec::new()),
            wake,
        }
    }

    /// A child reports; the parent is woken only if it has nothing left to take.
    pub(crate) fn report(&self, done: ChildFinished) {
        let first = {
            let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            q.push(done);
            q.len() == 1
        };
        if first {
            self.wake.do_send(ReportsWaiting);
        }
    }

    /// Every report waiting, in the order they came, swapped into `into` (which must be
    /// empty): the two buffers keep their room, so a long fan-out stops allocating.
    pub(crate) fn take(&self, into: &mut Vec<ChildFinished>) {
        std::mem::swap(
            &mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()),
            into,
        );
    }
}
