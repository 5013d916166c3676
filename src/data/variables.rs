//! Workflow variables (`Assign`, read as `$name`).
//!
//! The top level of an execution has one scope. Each Parallel branch and Inline Map
//! iteration has a scope of its own that also reads the scope it was started from; a
//! Distributed Map's children start empty. An outer scope cannot change while its
//! branches run (values are assigned when a state exits), so inner scopes share it.

use serde_json::{Map, Value};
use std::sync::Arc;

/// The variables one body of states can read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variables {
    own: Map<String, Value>,
    outer: Option<Arc<Variables>>,
}

impl Variables {
    /// The scope of a branch or iteration started from `outer`.
    pub fn within(outer: Arc<Variables>) -> Variables {
        Variables {
            own: Map::new(),
            outer: (!outer.is_empty()).then_some(outer),
        }
    }

    /// A top-level scope with these values (a restart or a redrive).
    pub fn from_values(own: Map<String, Value>) -> Variables {
        Variables { own, outer: None }
    }

    /// True when nothing can be read.
    pub fn is_empty(&self) -> bool {
        self.own.is_empty() && self.outer.is_none()
    }

    /// The value of `name`, looked up from this scope outwards.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.own
            .get(name)
            .or_else(|| self.outer.as_deref().and_then(|o| o.get(name)))
    }

    /// The values this scope assigned itself (what a restart must restore).
    pub fn own(&self) -> &Map<String, Value> {
        &self.own
    }

    /// Stores the values of one state's `Assign`, all at once.
    pub fn assign(&mut self, values: Map<String, Value>) {
        self.own.extend(values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn inner_scopes_read_outwards_and_keep_their_own() {
        let mut top = Variables::default();
        top.assign(map(json!({"x": 1, "y": 2})));
        let outer = Arc::new(top);
        let mut inner = Variables::within(Arc::clone(&outer));
        assert_eq!(inner.get("x"), Some(&json!(1)));
        inner.assign(map(json!({"x": 10, "z": 3})));
        assert_eq!(inner.get("x"), Some(&json!(10)));
        assert_eq!(inner.get("y"), Some(&json!(2)));
        assert_eq!(outer.get("x"), Some(&json!(1)));
        assert_eq!(outer.get("z"), None);
        assert_eq!(inner.own().len(), 2);
    }

    #[test]
    fn an_empty_outer_scope_is_not_kept() {
        let inner = Variables::within(Arc::new(Variables::default()));
        assert!(inner.is_empty());
    }
}
