//! Pass: output its input, or `Result`, or `Parameters`, placed by ResultPath.

use crate::asl::model::{PassState, ResultPath, State};
use crate::data::payload::{apply_result_path, eval_template};
use crate::data::{ContextObject, Scope, StatesError};
use rand::rngs::SmallRng;
use serde_json::Value;

/// The Pass state's output for its raw input (taken by value: a Pass cannot catch, so its
/// input is not needed afterwards). Its `Assign` reads the state's result: `Result`,
/// `Parameters`, or else the effective input.
pub fn run(
    state: &State,
    pass: &PassState,
    raw: Value,
    context: &ContextObject,
    rng: &mut SmallRng,
) -> Result<super::Exit, StatesError> {
    let assign = state.assign.as_ref();
    let (combined, assigned) = match (&pass.result, &pass.parameters) {
        (Some(r), _) => {
            super::effective_input(state, &raw, context)?;
            let assigned = super::assign(assign, r, context, rng)?;
            (
                apply_result_path(raw, r.clone(), &pass.result_path)?,
                assigned,
            )
        }
        (None, Some(t)) => {
            let result = {
                let effective = super::effective_input(state, &raw, context)?;
                let mut s = Scope::new(&effective, context, rng);
                eval_template(t, &mut s)?
            };
            let assigned = super::assign(assign, &result, context, rng)?;
            (apply_result_path(raw, result, &pass.result_path)?, assigned)
        }
        (None, None) => match &pass.result_path {
            ResultPath::Discard => {
                let effective = super::effective_input(state, &raw, context)?;
                let assigned = super::assign(assign, &effective, context, rng)?;
                (raw, assigned)
            }
            ResultPath::At(p) if p.is_root() => {
                let effective = super::effective_owned(state, raw, context)?;
                let assigned = super::assign(assign, &effective, context, rng)?;
                (effective, assigned)
            }
            rp => {
                let effective = super::effective_input(state, &raw, context)?.into_owned();
                let assigned = super::assign(assign, &effective, context, rng)?;
                (apply_result_path(raw, effective, rp)?, assigned)
            }
        },
    };
    Ok(super::Exit {
        output: super::state_output(state, combined, context)?,
        assigned,
    })
}
