//! Pass: output its input, or `Result`, or `Parameters`, placed by ResultPath; in JSONata,
//! its input or its `Output`.

use crate::asl::model::{PassState, QueryLanguage, ResultPath, State};
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
    if state.query == QueryLanguage::Jsonata {
        return super::jsonata_through(state.output.as_ref(), assign, raw, context, rng);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::model::StateKind;
    use crate::interpret::testing::{rng, Fixture};
    use serde_json::json;

    fn pass_with(fields: Value, input: Value) -> Result<super::super::Exit, StatesError> {
        let mut state = json!({"Type": "Pass", "End": true});
        state
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let f = Fixture::new(json!({"StartAt": "P", "States": {"P": state}}));
        let (state, context) = (f.state("P"), f.context("P"));
        let StateKind::Pass(p) = &state.kind else {
            unreachable!("a Pass state")
        };
        run(state, p, input, &context, &mut rng())
    }

    #[test]
    fn result_or_parameters_go_where_result_path_says() {
        let input = json!({"a": 1});
        let out = pass_with(
            json!({"Result": {"r": 2}, "ResultPath": "$.res"}),
            input.clone(),
        );
        assert_eq!(out.unwrap().output, json!({"a": 1, "res": {"r": 2}}));
        let fields = json!({"Parameters": {"doubled.$": "States.MathAdd($.a, $.a)"}});
        let out = pass_with(fields, input.clone()).unwrap();
        assert_eq!(out.output, json!({"doubled": 2}));
        // ResultPath null keeps the raw input whatever InputPath selected.
        let fields = json!({"InputPath": "$.a", "ResultPath": null});
        assert_eq!(pass_with(fields, input.clone()).unwrap().output, input);
        let fields = json!({"InputPath": "$.a", "ResultPath": "$.copy"});
        let out = pass_with(fields, input).unwrap();
        assert_eq!(out.output, json!({"a": 1, "copy": 1}));
    }

    #[test]
    fn assign_reads_the_result_and_output_path_the_combined_value() {
        let fields = json!({
            "Result": {"r": 2},
            "ResultPath": "$.res",
            "OutputPath": "$.res",
            "Assign": {"got.$": "$.r"}
        });
        let exit = pass_with(fields, json!({"a": 1})).unwrap();
        assert_eq!(exit.output, json!({"r": 2}));
        assert_eq!(exit.assigned, json!({"got": 2}).as_object().cloned());
        let e = pass_with(json!({"InputPath": "$.missing"}), json!({})).unwrap_err();
        assert_eq!(e.error, crate::data::names::RUNTIME);
    }
}
