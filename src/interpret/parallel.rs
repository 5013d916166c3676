//! Parallel: every branch runs on the same input (after InputPath and Parameters); the
//! state's result is the array of branch outputs, in branch order.

use crate::asl::model::{ParallelState, State};
use crate::data::payload::eval_template;
use crate::data::{Scope, StatesError};
use serde_json::Value;

/// The input each branch starts with.
pub fn branch_input(
    state: &State,
    p: &ParallelState,
    scope: &mut Scope,
) -> Result<Value, StatesError> {
    let effective = super::effective_input(state, scope.input, scope.context)?;
    match &p.parameters {
        Some(t) => {
            let mut s = Scope::new(&effective, scope.context, scope.rng);
            eval_template(t, &mut s)
        }
        None => Ok(effective.into_owned()),
    }
}

/// The state's output from the branch outputs (in branch order).
pub fn finish(
    state: &State,
    p: &ParallelState,
    outputs: Vec<Value>,
    scope: &mut Scope,
) -> Result<super::Exit, StatesError> {
    super::apply_result(
        state,
        p.result_selector.as_ref(),
        &p.result_path,
        Value::Array(outputs),
        scope,
    )
}
