//! A fan-out in progress: its children's bodies and inputs, the window of children alive at
//! once, and the per-index table of what each achieved. Plain data, owned by the parent's
//! current position; the actor's side is in `start.rs` and `children.rs`.

use super::table::{ChildStatus, ResultTable};
use crate::asl::model::Body;
use crate::data::{StatesError, Variables};
use crate::runtime::messages::Abort;
use crate::runtime::resume::ChildCursor;
use crate::types::HistoryEventType;
use crate::types::{ChildResume, ResumePoint};
use actix::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// With MaxConcurrency 0 ("no limit"), iterations are still materialised through a bounded
/// window, so a million-item Map never holds a million actors.
pub const UNBOUNDED_WINDOW: usize = 1000;

/// What the children are: Parallel branches, Inline Map iterations, or executions of their
/// own (a Distributed Map's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The branches of a Parallel state, one body each.
    Parallel,
    /// The iterations of an Inline Map state, one body for all.
    Map,
    /// The child executions of a Distributed Map state, one body for all.
    Distributed,
}

impl Kind {
    /// Which of the fan-out's bodies child `index` runs.
    pub(crate) fn body_of(self, index: u32) -> usize {
        match self {
            Kind::Parallel => index as usize,
            Kind::Map | Kind::Distributed => 0,
        }
    }

    pub(crate) fn started(self) -> HistoryEventType {
        match self {
            Kind::Parallel => HistoryEventType::ParallelStateStarted,
            Kind::Map | Kind::Distributed => HistoryEventType::MapStateStarted,
        }
    }

    pub(crate) fn succeeded(self) -> HistoryEventType {
        match self {
            Kind::Parallel => HistoryEventType::ParallelStateSucceeded,
            Kind::Map | Kind::Distributed => HistoryEventType::MapStateSucceeded,
        }
    }

    pub(crate) fn failed(self) -> HistoryEventType {
        match self {
            Kind::Parallel => HistoryEventType::ParallelStateFailed,
            Kind::Map | Kind::Distributed => HistoryEventType::MapStateFailed,
        }
    }
}

/// Where the children's inputs come from: a list made when the state starts (Parallel,
/// Inline Map), or a feed read as children start (a Distributed Map's items).
pub(crate) trait ChildInputs: Send {
    /// How many children there are.
    fn len(&self) -> usize;
    /// Child `index`'s input, taken once, in increasing order of index.
    fn take(&mut self, index: u32) -> Result<Value, StatesError>;
    /// A child whose result is kept needs no input.
    fn forget(&mut self, _index: u32) {}
}

/// Inputs listed when the state starts.
pub(crate) struct Listed(Vec<Option<Value>>);

impl Listed {
    pub(crate) fn new(inputs: Vec<Value>) -> Box<Self> {
        Box::new(Listed(inputs.into_iter().map(Some).collect()))
    }
}

impl ChildInputs for Listed {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn take(&mut self, index: u32) -> Result<Value, StatesError> {
        Ok(self.0[index as usize].take().unwrap_or(Value::Null))
    }

    fn forget(&mut self, index: u32) {
        self.0[index as usize] = None;
    }
}

/// A fan-out in progress, owned by the parent's current position.
pub struct FanOut {
    pub(crate) kind: Kind,
    /// Which run of the state's fan-out this is (a retry starts another): reports of an
    /// earlier run are ignored.
    pub(crate) run: u64,
    pub(crate) bodies: Vec<Arc<Body>>,
    pub(crate) inputs: Box<dyn ChildInputs>,
    /// The next index to consider starting.
    pub(crate) next: usize,
    /// How many children may be alive at once.
    pub(crate) limit: usize,
    /// Children that have not succeeded yet.
    pub(crate) remaining: usize,
    /// The children alive: where to send their abort, and where each one is.
    pub(crate) running: HashMap<u32, (Recipient<Abort>, Arc<ChildCursor>)>,
    pub(crate) table: ResultTable,
    pub(crate) refill_scheduled: bool,
    /// Where children resume: failed children's reports, and on a redrive the children to
    /// restart inside their bodies.
    pub(crate) child_resume: HashMap<u32, ResumePoint>,
    /// The variables the branches or iterations read: the parent's, which cannot change
    /// while they run.
    pub(crate) outer_vars: Option<Arc<Variables>>,
}

impl FanOut {
    pub(crate) fn new(
        kind: Kind,
        run: u64,
        bodies: Vec<Arc<Body>>,
        inputs: Box<dyn ChildInputs>,
        max_concurrency: usize,
        outer_vars: Option<Arc<Variables>>,
    ) -> Self {
        let n = inputs.len();
        FanOut {
            kind,
            run,
            bodies,
            inputs,
            next: 0,
            limit: match max_concurrency {
                0 => UNBOUNDED_WINDOW,
                m => m,
            },
            remaining: n,
            running: HashMap::new(),
            table: ResultTable::new(n),
            refill_scheduled: false,
            child_resume: HashMap::new(),
            outer_vars,
        }
    }

    /// A redrive keeps what succeeded and reruns the rest, each from where it stopped.
    pub(crate) fn resume_from(&mut self, before: Vec<ChildResume>) {
        for (i, child) in before.into_iter().enumerate() {
            let i = i as u32;
            match child {
                ChildResume::Succeeded(kept) => {
                    match kept {
                        Some(v) => self.table.succeed(i, v),
                        None => self.table.mark_succeeded(i),
                    }
                    self.kept(i);
                }
                ChildResume::Restart(Some(rp)) => {
                    self.child_resume.insert(i, *rp);
                }
                ChildResume::Restart(None) | ChildResume::NotStarted => {}
            }
        }
    }

    /// Child `i`'s result is in the table without running it.
    pub(crate) fn kept(&mut self, i: u32) {
        self.inputs.forget(i);
        self.remaining -= 1;
    }

    /// The next child to start, if the window has room and one is left; skips the children
    /// whose results are kept.
    pub(crate) fn next_to_start(&mut self) -> Option<u32> {
        if self.running.len() >= self.limit {
            return None;
        }
        let len = self.inputs.len();
        while self.next < len && self.table.status(self.next as u32) != ChildStatus::NotStarted {
            self.next += 1;
        }
        if self.next >= len {
            return None;
        }
        self.next += 1;
        Some(self.next as u32 - 1)
    }

    /// Whether children are left to start once the window has room.
    pub(crate) fn has_more(&self) -> bool {
        self.next < self.inputs.len()
    }

    /// What each child of an ended fan-out achieved, for a redrive.
    pub(crate) fn children_resume(&mut self) -> Vec<ChildResume> {
        (0..self.table.len() as u32)
            .map(|i| match self.table.status(i) {
                ChildStatus::Succeeded => ChildResume::Succeeded(self.table.take_output(i)),
                ChildStatus::NotStarted => ChildResume::NotStarted,
                _ => ChildResume::Restart(self.child_resume.remove(&i).map(Box::new)),
            })
            .collect()
    }
}
