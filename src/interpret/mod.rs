//! Layer 3: one state's step as a pure, synchronous function. Given the state, its input
//! and a [`Scope`](crate::data::Scope) for `$$`, each module here says what happens next; the
//! runtime's actor carries it out (invokes the task, sleeps, records history).
//!
//! One state type per file. Retry and Catch policy is in [`policy`].

pub mod choice;
pub mod fail;
pub mod map;
pub mod parallel;
pub mod pass;
pub mod policy;
pub mod succeed;
pub mod task;
pub mod wait;

use crate::asl::model::{ResultPath, State};
use crate::asl::template::Template;
use crate::data::payload::{apply_result_path, eval_template, select_path};
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

/// ResultSelector → ResultPath → OutputPath: what Task, Parallel and Map do with their
/// result. `scope.input` is the state's raw input, which ResultPath writes into.
pub fn apply_result(
    state: &State,
    result_selector: Option<&Template>,
    result_path: &ResultPath,
    result: Value,
    scope: &mut Scope,
) -> Result<Value, StatesError> {
    let selected = match result_selector {
        Some(t) => {
            let mut s = Scope::new(&result, scope.context, scope.rng);
            eval_template(t, &mut s)?
        }
        None => result,
    };
    let combined = apply_result_path(scope.input.clone(), selected, result_path)?;
    state_output(state, combined, scope)
}
