//! Choice: the first rule that matches picks the next state, else Default, else
//! `States.NoChoiceMatched`.

use crate::asl::model::{ChoiceState, State, StateId};
use crate::data::{choice, names, ContextObject, Scope, StatesError};
use rand::rngs::SmallRng;
use serde_json::Value;

/// The next state and the Choice state's output. The matched rule's `Assign` applies, or
/// the state's own when it goes to Default.
pub fn run(
    state: &State,
    c: &ChoiceState,
    raw: Value,
    context: &ContextObject,
    rng: &mut SmallRng,
) -> Result<(StateId, super::Exit), StatesError> {
    let effective = super::effective_owned(state, raw, context)?;
    let mut next = c.default;
    let mut assign = state.assign.as_ref();
    {
        let s = Scope::new(&effective, context, rng);
        for branch in &c.choices {
            if choice::matches(&branch.rule, &s)? {
                next = Some(branch.next);
                assign = branch.assign.as_ref();
                break;
            }
        }
    }
    let next = next.ok_or_else(|| {
        StatesError::new(
            names::NO_CHOICE_MATCHED,
            format!(
                "No Choice rule matched and no Default is set in state '{}'",
                state.name
            ),
        )
    })?;
    let assigned = super::assign(assign, &effective, context, rng)?;
    let output = super::state_output(state, effective, context)?;
    Ok((next, super::Exit { output, assigned }))
}
