//! Parallel: every branch runs on the same input (after InputPath and Parameters); the
//! state's result is the array of branch outputs, in branch order.

use crate::asl::model::{ParallelState, State};
use crate::data::payload::eval_field;
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
            eval_field(t, &mut s, "Arguments")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::model::StateKind;
    use crate::interpret::testing::{rng, Fixture};
    use serde_json::json;

    #[test]
    fn branches_start_on_the_shaped_input_and_their_outputs_make_the_result() {
        let f = Fixture::new(json!({"StartAt": "P", "States": {"P": {
            "Type": "Parallel", "End": true,
            "InputPath": "$.in",
            "Parameters": {"x.$": "$.x"},
            "ResultSelector": {"first.$": "$[0]"},
            "ResultPath": "$.out",
            "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
                {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}
            ]
        }}}));
        let (state, context) = (f.state("P"), f.context("P"));
        let StateKind::Parallel(p) = &state.kind else {
            unreachable!("a Parallel state")
        };
        let raw = json!({"in": {"x": 1, "y": 2}});
        let mut rng = rng();
        let mut scope = Scope::new(&raw, &context, &mut rng);
        assert_eq!(branch_input(state, p, &mut scope).unwrap(), json!({"x": 1}));
        let exit = finish(state, p, vec![json!("a"), json!("b")], &mut scope).unwrap();
        assert_eq!(
            exit.output,
            json!({"in": {"x": 1, "y": 2}, "out": {"first": "a"}})
        );
    }
}
