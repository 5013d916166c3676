//! Layer 3: one state's step as a pure, synchronous function. Given the state, its input
//! and a [`Scope`](crate::data::Scope) for `$$`, each module here says what happens next; the
//! runtime's actor carries it out (invokes the task, sleeps, records history).
//!
//! One state type per file. Retry and Catch policy is in [`policy`].

pub mod choice;
pub mod fail;
pub mod pass;
pub mod policy;
pub mod succeed;
pub mod task;
pub mod wait;

use crate::asl::model::State;
use crate::data::payload::select_path;
use crate::data::{Scope, StatesError};
use serde_json::Value;

/// Applies the state's InputPath to its raw input.
pub fn effective_input(state: &State, raw: &Value, scope: &Scope) -> Result<Value, StatesError> {
    match &state.input_path {
        Some(p) if p.is_root() && p.root == crate::asl::path::Root::Input => Ok(raw.clone()),
        other => select_path(raw.clone(), other.as_ref(), scope),
    }
}

/// Applies the state's OutputPath to what the state produced.
pub fn state_output(state: &State, value: Value, scope: &Scope) -> Result<Value, StatesError> {
    select_path(value, state.output_path.as_ref(), scope)
}
