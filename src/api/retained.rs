//! Which ended STANDARD executions stay in memory: the queue the retention setting bounds
//! (see `retention.rs` for what is forgotten and read back).

use crate::runtime::ExecutionRecord;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// Executions looked at per start: the oldest may still run (they move to the back), and
/// a start must not walk them all.
const LOOKS_PER_START: usize = 16;

/// The executions kept, oldest first, and how many ended ones may stay.
pub(crate) struct Retained {
    limit: Option<usize>,
    queue: Mutex<VecDeque<Arc<ExecutionRecord>>>,
}

impl Retained {
    /// How many ended executions may stay, if bounded.
    pub(crate) fn limit(&self) -> Option<usize> {
        self.limit
    }

    pub(crate) fn new(limit: Option<usize>) -> Self {
        Retained {
            limit,
            queue: Mutex::new(VecDeque::new()),
        }
    }

    /// Takes in `record`, and gives back the ended ones past the limit, to forget.
    pub(crate) fn keep(&self, record: Arc<ExecutionRecord>) -> Vec<Arc<ExecutionRecord>> {
        let Some(limit) = self.limit else {
            return Vec::new();
        };
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.push_back(record);
        let mut gone = Vec::new();
        let mut looks = 0;
        while q.len() > limit && looks < LOOKS_PER_START {
            looks += 1;
            let Some(oldest) = q.pop_front() else { break };
            if oldest.status().is_terminal() {
                gone.push(oldest);
            } else {
                q.push_back(oldest);
            }
        }
        gone
    }
}
