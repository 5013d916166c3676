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
pub mod parallel;
pub mod pass;
pub mod policy;
pub mod result_writer;
pub mod succeed;
pub mod task;
pub mod wait;

use crate::asl::model::{ResultPath, State};
use crate::asl::template::Template;
use crate::data::payload::{apply_result_path_to, eval_template, select_path, select_ref};
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
