//! Pass: output its input, or `Result`, or `Parameters`, placed by ResultPath.

use crate::asl::model::{PassState, State};
use crate::data::payload::{apply_result_path, eval_template};
use crate::data::{Scope, StatesError};
use serde_json::Value;

/// The Pass state's output for its raw input.
pub fn run(state: &State, pass: &PassState, scope: &mut Scope) -> Result<Value, StatesError> {
    let raw = scope.input;
    let effective = super::effective_input(state, raw, scope)?;
    let result = match (&pass.result, &pass.parameters) {
        (Some(r), _) => r.clone(),
        (None, Some(t)) => {
            let mut s = Scope::new(&effective, scope.context, scope.rng);
            eval_template(t, &mut s)?
        }
        (None, None) => effective,
    };
    let combined = apply_result_path(raw.clone(), result, &pass.result_path)?;
    super::state_output(state, combined, scope)
}
