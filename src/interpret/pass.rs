//! Pass: output its input, or `Result`, or `Parameters`, placed by ResultPath.

use crate::asl::model::{PassState, ResultPath, State};
use crate::data::payload::{apply_result_path, eval_template};
use crate::data::{ContextObject, Scope, StatesError};
use rand::rngs::SmallRng;
use serde_json::Value;

/// The Pass state's output for its raw input (taken by value: a Pass cannot catch, so its
/// input is not needed afterwards).
pub fn run(
    state: &State,
    pass: &PassState,
    raw: Value,
    context: &ContextObject,
    rng: &mut SmallRng,
) -> Result<Value, StatesError> {
    let combined = match (&pass.result, &pass.parameters) {
        (Some(r), _) => {
            super::effective_input(state, &raw, context)?;
            apply_result_path(raw, r.clone(), &pass.result_path)?
        }
        (None, Some(t)) => {
            let result = {
                let effective = super::effective_input(state, &raw, context)?;
                let mut s = Scope::new(&effective, context, rng);
                eval_template(t, &mut s)?
            };
            apply_result_path(raw, result, &pass.result_path)?
        }
        (None, None) => match &pass.result_path {
            ResultPath::Discard => {
                super::effective_input(state, &raw, context)?;
                raw
            }
            ResultPath::At(p) if p.is_root() => super::effective_owned(state, raw, context)?,
            rp => {
                let effective = super::effective_input(state, &raw, context)?.into_owned();
                apply_result_path(raw, effective, rp)?
            }
        },
    };
    super::state_output(state, combined, context)
}
