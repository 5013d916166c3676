//! What TestState tests: one state given alone, made into a state machine of its own
//! (the states it names as next become Succeed states, so the definition validates), or a
//! state of a whole definition by name.

use crate::api::error::ApiError;
use crate::api::service::parse_machine;
use crate::asl::model::{Body, StateId, StateKind, Transition};
use crate::asl::StateMachine;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The name the state of a single-state definition is tested under.
pub(super) const TESTED: &str = "TestState";

/// The state machine to run the tested state in, and the state's name.
pub(super) fn machine(
    definition: &str,
    state_name: Option<&str>,
) -> Result<(StateMachine, String), ApiError> {
    let parsed: Value = serde_json::from_str(definition).map_err(|e| {
        ApiError::InvalidDefinition(format!("Invalid State Machine Definition: '{e}'"))
    })?;
    if let Some(name) = state_name {
        return Ok((parse_machine(definition)?, name.to_string()));
    }
    if parsed.get("States").is_some() {
        return Err(ApiError::ValidationException(
            "A whole state machine definition needs the stateName of the state to test".into(),
        ));
    }
    let mut states = Map::new();
    for next in targets(&parsed) {
        if next != TESTED {
            states.insert(next, json!({"Type": "Succeed"}));
        }
    }
    states.insert(TESTED.into(), parsed);
    let wrapped = json!({"StartAt": TESTED, "States": states}).to_string();
    Ok((parse_machine(&wrapped)?, TESTED.to_string()))
}

/// The state names a state may go to next: `Next`, `Default`, Choice rules' and Catchers'.
fn targets(state: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |v: &Value| {
        if let Some(s) = v.as_str() {
            out.push(s.to_string());
        }
    };
    add(&state["Next"]);
    add(&state["Default"]);
    for list in ["Choices", "Catch"] {
        for item in state[list].as_array().into_iter().flatten() {
            add(&item["Next"]);
        }
    }
    out
}

/// The body that holds the state named `name` (the top level first, then every branch and
/// item processor), and the state's id in it.
pub(super) fn find(body: &Arc<Body>, name: &str) -> Option<(Arc<Body>, StateId)> {
    if let Some(i) = body.states.iter().position(|s| s.name == name) {
        return Some((Arc::clone(body), StateId(i as _)));
    }
    body.states.iter().find_map(|s| match &s.kind {
        StateKind::Parallel(p) => p.branches.iter().find_map(|b| find(b, name)),
        StateKind::Map(m) => find(&m.processor, name),
        _ => None,
    })
}

/// Where the state goes when it completes: the next state's name, or none at the end.
pub(super) fn next_of(body: &Body, kind: &StateKind) -> Option<String> {
    let t = match kind {
        StateKind::Pass(p) => &p.transition,
        StateKind::Task(t) => &t.transition,
        StateKind::Wait(w) => &w.transition,
        StateKind::Parallel(p) => &p.transition,
        StateKind::Map(m) => &m.transition,
        StateKind::Choice(_) | StateKind::Succeed | StateKind::Fail(_) => return None,
    };
    match t {
        Transition::Next(id) => Some(body.state(*id).name.clone()),
        Transition::End => None,
    }
}
