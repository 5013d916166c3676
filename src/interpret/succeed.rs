//! Succeed: ends its body successfully with its (filtered) input.

use crate::asl::model::State;
use crate::data::{Scope, StatesError};
use serde_json::Value;

pub fn run(state: &State, scope: &Scope) -> Result<Value, StatesError> {
    let effective = super::effective_input(state, scope.input, scope)?;
    super::state_output(state, effective, scope)
}
