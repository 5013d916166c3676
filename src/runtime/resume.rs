//! Where an unsuccessful execution stopped, so RedriveExecution can continue it: the state
//! that failed (or was running when the execution was aborted or timed out), and for a
//! Parallel or Map state, what each branch or iteration achieved.
//!
//! AWS: a redrive reruns the states that have an Entered event but no Exited one; inside
//! Parallel and Inline Map only the branches and iterations that failed, were aborted, or
//! never started run again, each from where it stopped. The input of the state to rerun is
//! the one its Entered event recorded, so no copy of it is kept here.

use crate::asl::model::StateId;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;

/// A child's position, published with two atomic stores per state so that the parent can
/// tell where an aborted child was without a round trip, and the variables it assigned
/// itself (published only by children that assign any). The parent also marks it aborted,
/// after which the child records nothing.
#[derive(Debug)]
pub struct ChildCursor {
    state: AtomicU32,
    entered_event: AtomicU64,
    aborted: AtomicBool,
    variables: Mutex<Option<Box<Map<String, Value>>>>,
}

const NO_STATE: u32 = u32::MAX;

impl Default for ChildCursor {
    fn default() -> Self {
        ChildCursor {
            state: AtomicU32::new(NO_STATE),
            entered_event: AtomicU64::new(0),
            aborted: AtomicBool::new(false),
            variables: Mutex::new(None),
        }
    }
}

impl ChildCursor {
    /// The child entered a state (ignored once aborted).
    pub fn entered(&self, state: StateId, event: u64) {
        if !self.is_aborted() {
            self.entered_event.store(event, Ordering::Release);
            self.state.store(state.0, Ordering::Release);
        }
    }

    /// The child entered a state after the state before it assigned variables: the
    /// position and the variables change together, so that an abort never reads a
    /// position with the variables of a later one (a redrive would assign them twice).
    pub fn entered_with(&self, state: StateId, event: u64, own: &Map<String, Value>) {
        let mut v = self.variables.lock().unwrap_or_else(|p| p.into_inner());
        if !self.is_aborted() {
            *v = Some(Box::new(own.clone()));
            self.entered(state, event);
        }
    }

    /// Marks the child aborted and returns where it was.
    pub fn abort(&self) -> Option<(StateId, u64)> {
        let _variables = self.variables.lock().unwrap_or_else(|p| p.into_inner());
        self.aborted.store(true, Ordering::Release);
        self.position()
    }

    /// The child's own variables, where it resumes with them (ignored once aborted).
    pub fn assigned(&self, own: &Map<String, Value>) {
        if !self.is_aborted() {
            let mut v = self.variables.lock().unwrap_or_else(|p| p.into_inner());
            *v = Some(Box::new(own.clone()));
        }
    }

    /// The variables the child had assigned itself when it was aborted.
    pub fn variables(&self) -> Map<String, Value> {
        let mut v = self.variables.lock().unwrap_or_else(|p| p.into_inner());
        v.take().map(|b| *b).unwrap_or_default()
    }

    pub fn is_aborted(&self) -> bool {
        self.aborted.load(Ordering::Acquire)
    }

    /// The state the child is in and its Entered event, once it entered one.
    pub fn position(&self) -> Option<(StateId, u64)> {
        match self.state.load(Ordering::Acquire) {
            NO_STATE => None,
            s => Some((StateId(s), self.entered_event.load(Ordering::Acquire))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_freezes_when_aborted() {
        let c = ChildCursor::default();
        assert_eq!(c.position(), None);
        c.entered(StateId(2), 7);
        assert_eq!(c.abort(), Some((StateId(2), 7)));
        c.entered(StateId(3), 9);
        assert_eq!(c.position(), Some((StateId(2), 7)));
        assert!(c.is_aborted());
    }

    #[test]
    fn a_cursor_keeps_the_variables_assigned_before_the_abort() {
        let c = ChildCursor::default();
        let own = |v: Value| v.as_object().cloned().unwrap();
        c.entered_with(StateId(1), 4, &own(serde_json::json!({"x": 1})));
        assert_eq!(c.abort(), Some((StateId(1), 4)));
        c.entered_with(StateId(2), 6, &own(serde_json::json!({"x": 2})));
        c.assigned(&own(serde_json::json!({"x": 3})));
        assert_eq!(c.position(), Some((StateId(1), 4)));
        assert_eq!(c.variables(), own(serde_json::json!({"x": 1})));
    }
}
