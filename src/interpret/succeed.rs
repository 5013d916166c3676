//! Succeed: ends its body successfully with its (filtered) input.

use crate::asl::model::State;
use crate::data::{ContextObject, StatesError};
use serde_json::Value;

pub fn run(state: &State, raw: Value, context: &ContextObject) -> Result<Value, StatesError> {
    let effective = super::effective_owned(state, raw, context)?;
    super::state_output(state, effective, context)
}
