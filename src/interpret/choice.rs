//! Choice: the first rule that matches picks the next state, else Default, else
//! `States.NoChoiceMatched`.

use crate::asl::model::{ChoiceRule, ChoiceState, QueryLanguage, State, StateId};
use crate::asl::template::Template;
use crate::data::payload::eval_field;
use crate::data::{choice, jsonata, names, ContextObject, Scope, StatesError};
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
    if state.query == QueryLanguage::Jsonata {
        return run_jsonata(state, c, raw, context, rng);
    }
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
    let next = next.ok_or_else(|| no_match(state))?;
    let assigned = super::assign(assign, &effective, context, rng)?;
    let output = super::state_output(state, effective, context)?;
    Ok((next, super::Exit { output, assigned }))
}

fn no_match(state: &State) -> StatesError {
    StatesError::new(
        names::NO_CHOICE_MATCHED,
        format!(
            "No Choice rule matched and no Default is set in state '{}'",
            state.name
        ),
    )
}

/// A JSONata Choice: the first rule whose `Condition` is true picks the next state, and its
/// `Output` and `Assign` apply; with none, Default and the state's own.
fn run_jsonata(
    state: &State,
    c: &ChoiceState,
    raw: Value,
    context: &ContextObject,
    rng: &mut SmallRng,
) -> Result<(StateId, super::Exit), StatesError> {
    let mut chosen = None;
    {
        let mut scope = Scope::new(&raw, context, rng);
        for branch in &c.choices {
            let ChoiceRule::Condition(t) = &branch.rule else {
                continue;
            };
            match eval_field(t, &mut scope, "Condition")? {
                Value::Bool(true) => {
                    chosen = Some(branch);
                    break;
                }
                Value::Bool(false) => {}
                other => {
                    return Err(match t {
                        Template::Expr(e) => {
                            jsonata::unexpected_type(e, "Condition", "boolean", &other)
                        }
                        _ => StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            "Condition must be a Boolean",
                        ),
                    })
                }
            }
        }
    }
    let (next, output, assign) = match chosen {
        Some(b) => (b.next, b.output.as_ref(), b.assign.as_ref()),
        None => (
            c.default.ok_or_else(|| no_match(state))?,
            state.output.as_ref(),
            state.assign.as_ref(),
        ),
    };
    let exit = super::jsonata_through(output, assign, raw, context, rng)?;
    Ok((next, exit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::model::StateKind;
    use crate::interpret::testing::{rng, Fixture};
    use serde_json::{json, Map};

    fn vars(v: Value) -> Option<Map<String, Value>> {
        v.as_object().cloned()
    }

    fn fixture(default: Option<&str>) -> Fixture {
        let mut choice = json!({
            "Type": "Choice",
            "InputPath": "$.in",
            "OutputPath": "$.n",
            "Assign": {"went": "default"},
            "Choices": [
                {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big",
                 "Assign": {"went": "big", "n.$": "$.n"}},
                {"Variable": "$.n", "NumericGreaterThan": 0, "Next": "Small"}
            ]
        });
        let mut states = json!({"Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}});
        if let Some(d) = default {
            choice["Default"] = json!(d);
            states[d] = json!({"Type": "Succeed"});
        }
        states["C"] = choice;
        Fixture::new(json!({"StartAt": "C", "States": states}))
    }

    fn choose(f: &Fixture, n: i64) -> Result<(StateId, crate::interpret::Exit), StatesError> {
        let (state, context) = (f.state("C"), f.context("C"));
        let StateKind::Choice(c) = &state.kind else {
            unreachable!("a Choice state")
        };
        run(state, c, json!({"in": {"n": n}}), &context, &mut rng())
    }

    #[test]
    fn the_first_matching_rule_picks_the_next_state_and_its_assign() {
        let f = fixture(Some("Other"));
        let (next, exit) = choose(&f, 50).unwrap();
        assert_eq!(next, f.machine_state("Big"));
        // InputPath then OutputPath shape the output; the rule's Assign reads the input.
        assert_eq!(exit.output, json!(50));
        assert_eq!(exit.assigned, vars(json!({"went": "big", "n": 50})));
        // Both rules match 50: the first wins. Only the second matches 5, without Assign.
        let (next, exit) = choose(&f, 5).unwrap();
        assert_eq!(next, f.machine_state("Small"));
        assert_eq!(exit.assigned, None);
    }

    #[test]
    fn no_match_goes_to_default_with_the_state_assign_or_fails() {
        let f = fixture(Some("Other"));
        let (next, exit) = choose(&f, -1).unwrap();
        assert_eq!(next, f.machine_state("Other"));
        assert_eq!(exit.assigned, vars(json!({"went": "default"})));
        let e = choose(&fixture(None), -1).unwrap_err();
        assert_eq!(e.error, names::NO_CHOICE_MATCHED);
        assert_eq!(
            e.cause.as_deref(),
            Some("No Choice rule matched and no Default is set in state 'C'")
        );
    }
}
