//! Layer 3: one state's step as a pure, synchronous function. Given the state, its input
//! and the context object, each module here says what happens next; the runtime's actor
//! carries it out (invokes the task, sleeps, records history).
//!
//! One state type per file. Retry and Catch policy is in [`policy`]. States that cannot
//! catch (Pass, Choice, Wait, Succeed) take their input by value, so the common case of
//! `$` paths moves the data through without copying it.

pub mod choice;
pub mod fail;
pub mod item_batcher;
pub mod item_reader;
pub mod map;
mod map_parts;
pub mod parallel;
pub mod pass;
pub mod policy;
pub mod result_writer;
pub mod succeed;
pub mod task;
#[cfg(test)]
mod testing;
pub mod wait;

use crate::asl::model::{QueryLanguage, ResultPath, State};
use crate::asl::template::Template;
use crate::data::payload::{
    apply_result_path_to, eval_field, eval_template, select_path, select_ref,
};
use crate::data::{ContextObject, Scope, StatesError};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The variables a state's `Assign` sets when it exits (none without an Assign).
pub type Assigned = Option<Map<String, Value>>;

/// What a state hands on when it completes: its output and the variables it assigns.
#[derive(Debug, Clone, PartialEq)]
pub struct Exit {
    pub output: Value,
    pub assigned: Assigned,
}

impl Exit {
    /// An exit that assigns nothing.
    pub fn plain(output: Value) -> Self {
        Exit {
            output,
            assigned: None,
        }
    }
}

/// Evaluates an `Assign` with `value` as `$` (the state's result, its input for Choice and
/// Wait, the error output in a Catcher). Its paths read the variables as they were when the
/// state was entered, so the values it sets are all taken before any is stored.
pub fn assign(
    template: Option<&Template>,
    value: &Value,
    context: &ContextObject,
    rng: &mut rand::rngs::SmallRng,
) -> Result<Assigned, StatesError> {
    let Some(t) = template else {
        return Ok(None);
    };
    let mut s = Scope::new(value, context, rng);
    match eval_template(t, &mut s)? {
        Value::Object(m) => Ok(Some(m)),
        _ => Ok(None),
    }
}

/// Evaluates a JSONata `Assign` (variables are read as they were when the state was
/// entered: they are stored only when it exits).
pub fn jsonata_assign(
    template: Option<&Template>,
    scope: &mut Scope,
) -> Result<Assigned, StatesError> {
    let Some(t) = template else {
        return Ok(None);
    };
    match eval_field(t, scope, "Assign")? {
        Value::Object(m) => Ok(Some(m)),
        _ => Ok(None),
    }
}

/// A JSONata state's `Output` (`None` when it has none) and `Assign`, both evaluated with
/// the same `$states`.
pub fn jsonata_fields(
    output: Option<&Template>,
    assign: Option<&Template>,
    scope: &mut Scope,
) -> Result<(Option<Value>, Assigned), StatesError> {
    let output = match output {
        Some(t) => Some(eval_field(t, scope, "Output")?),
        None => None,
    };
    Ok((output, jsonata_assign(assign, scope)?))
}

/// The exit of a JSONata state whose output is its input unless `Output` says otherwise
/// (Pass, Wait, Succeed, Choice).
pub fn jsonata_through(
    output: Option<&Template>,
    assign: Option<&Template>,
    raw: Value,
    context: &ContextObject,
    rng: &mut rand::rngs::SmallRng,
) -> Result<Exit, StatesError> {
    let (out, assigned) = jsonata_fields(output, assign, &mut Scope::new(&raw, context, rng))?;
    Ok(Exit {
        output: out.unwrap_or(raw),
        assigned,
    })
}

/// The state's InputPath applied to its raw input, borrowed when InputPath is `$`.
pub fn effective_input<'a>(
    state: &State,
    raw: &'a Value,
    context: &ContextObject,
) -> Result<Cow<'a, Value>, StatesError> {
    select_ref(raw, state.input_path.as_ref(), context)
}

/// The state's InputPath applied to an owned raw input: `$` moves it.
pub fn effective_owned(
    state: &State,
    raw: Value,
    context: &ContextObject,
) -> Result<Value, StatesError> {
    select_path(raw, state.input_path.as_ref(), context)
}

/// Applies the state's OutputPath to what the state produced.
pub fn state_output(
    state: &State,
    value: Value,
    context: &ContextObject,
) -> Result<Value, StatesError> {
    select_path(value, state.output_path.as_ref(), context)
}

/// ResultSelector → Assign → ResultPath → OutputPath: what Task, Parallel and Map do with
/// their result. `scope.input` is the state's raw input, which ResultPath writes into.
pub fn apply_result(
    state: &State,
    result_selector: Option<&Template>,
    result_path: &ResultPath,
    result: Value,
    scope: &mut Scope,
) -> Result<Exit, StatesError> {
    if state.query == QueryLanguage::Jsonata {
        let mut s = Scope::new(scope.input, scope.context, scope.rng).with_result(&result);
        let (output, assigned) =
            jsonata_fields(state.output.as_ref(), state.assign.as_ref(), &mut s)?;
        return Ok(Exit {
            output: output.unwrap_or(result),
            assigned,
        });
    }
    let selected = match result_selector {
        Some(t) => {
            let mut s = Scope::new(&result, scope.context, scope.rng);
            eval_template(t, &mut s)?
        }
        None => result,
    };
    let assigned = assign(state.assign.as_ref(), &selected, scope.context, scope.rng)?;
    let combined = apply_result_path_to(scope.input, selected, result_path)?;
    Ok(Exit {
        output: state_output(state, combined, scope.context)?,
        assigned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpret::testing::{rng, Fixture};
    use serde_json::json;

    #[test]
    fn apply_result_runs_selector_assign_result_path_then_output_path_in_order() {
        let f = Fixture::new(json!({"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "End": true,
            "ResultSelector": {"v.$": "$.Payload"},
            "Assign": {"seen.$": "$.v"},
            "ResultPath": "$.result",
            "OutputPath": "$.result"
        }}}));
        let (state, context) = (f.state("T"), f.context("T"));
        let crate::asl::model::StateKind::Task(t) = &state.kind else {
            unreachable!("a Task state")
        };
        let raw = json!({"in": 1});
        let mut rng = rng();
        let mut scope = Scope::new(&raw, &context, &mut rng);
        let result = json!({"Payload": 5, "StatusCode": 200});
        let exit = apply_result(
            state,
            t.result_selector.as_ref(),
            &t.result_path,
            result,
            &mut scope,
        );
        let exit = exit.unwrap();
        // Assign reads the selected result; OutputPath reads the combined value.
        assert_eq!(exit.output, json!({"v": 5}));
        assert_eq!(exit.assigned, json!({"seen": 5}).as_object().cloned());
    }

    #[test]
    fn input_path_borrows_for_the_root_and_an_assign_that_is_not_an_object_sets_nothing() {
        let f =
            Fixture::new(json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}));
        let (state, context) = (f.state("P"), f.context("P"));
        let raw = json!({"a": 1});
        assert!(matches!(
            effective_input(state, &raw, &context).unwrap(),
            Cow::Borrowed(_)
        ));
        assert_eq!(effective_owned(state, raw.clone(), &context).unwrap(), raw);
        assert_eq!(assign(None, &raw, &context, &mut rng()).unwrap(), None);
    }
}
