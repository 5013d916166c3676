//! Evaluates JSONata expressions against a state's `$states` and the workflow variables.
//!
//! A literal or a plain chain of field names is answered from the JSON the runtime holds;
//! anything else goes to the JSONata evaluator, which gets copies of only the values the
//! expression reads (worked out when the definition was parsed).

mod functions;

use super::error::{names, StatesError};
use super::scope::Scope;
use crate::asl::jsonata::{Expression, LookupRoot, Shortcut};
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorOptions};
use jsonata_core::value::JValue;
use serde::Deserialize;
use serde_json::Value;

/// Why an expression gave no usable value.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// It evaluated to nothing.
    Undefined,
    /// It evaluated to a function, which JSON cannot hold.
    Function,
    /// The evaluator raised an error (its JSONata code and message).
    Thrown(String),
}

/// The longest an expression may run before it fails: a runaway recursion must not hold an
/// actor's thread.
const TIMEOUT_MS: u64 = 10_000;

/// The longest sequence an expression may build (the crate's own cap on its range
/// operator), so that one expression cannot take the memory of every execution.
const MAX_SEQUENCE: usize = 10_000_000;

/// Evaluates `expr` with `scope.input` as `$states.input`.
pub fn evaluate(expr: &Expression, scope: &mut Scope) -> Result<Value, Failure> {
    if let Some(s) = expr.shortcut() {
        if let Some(v) = shortcut(s, scope) {
            return v;
        }
    }
    run(expr, scope)
}

/// `Some` when the shortcut settles it: `None` when a step meets an array, where JSONata's
/// path rules (mapping over the items) apply and the evaluator must decide.
fn shortcut(s: &Shortcut, scope: &Scope) -> Option<Result<Value, Failure>> {
    let (root, keys) = match s {
        Shortcut::Literal(v) => return Some(Ok(v.clone())),
        Shortcut::Lookup { root, keys } => (root, keys),
    };
    let start = match root {
        LookupRoot::Input => Some(scope.input),
        LookupRoot::Result => scope.result,
        LookupRoot::ErrorOutput => scope.error_output,
        LookupRoot::Variable(name) => scope.context.variables.and_then(|v| v.get(name)),
    };
    let Some(mut at) = start else {
        // An unbound name may be a built-in function, which the evaluator reports as such.
        return match root {
            LookupRoot::Variable(_) => None,
            _ => Some(Err(Failure::Undefined)),
        };
    };
    for k in keys {
        at = match at {
            Value::Object(m) => match m.get(k) {
                Some(v) => v,
                None => return Some(Err(Failure::Undefined)),
            },
            Value::Array(_) => return None,
            _ => return Some(Err(Failure::Undefined)),
        };
    }
    if matches!(at, Value::Array(_)) && !keys.is_empty() {
        return None;
    }
    Some(Ok(at.clone()))
}

fn to_jvalue(v: &Value) -> JValue {
    JValue::deserialize(v).unwrap_or(JValue::Null)
}

fn run(expr: &Expression, scope: &mut Scope) -> Result<Value, Failure> {
    let mut context = Context::new();
    let uses = expr.states();
    if uses.input || uses.result || uses.error_output || uses.context {
        let mut states = indexmap::IndexMap::with_capacity(4);
        if uses.input {
            states.insert("input".to_string(), to_jvalue(scope.input));
        }
        if let (true, Some(r)) = (uses.result, scope.result) {
            states.insert("result".to_string(), to_jvalue(r));
        }
        if let (true, Some(e)) = (uses.error_output, scope.error_output) {
            states.insert("errorOutput".to_string(), to_jvalue(e));
        }
        if uses.context {
            states.insert("context".to_string(), to_jvalue(scope.context.value()));
        }
        context.bind("states".to_string(), JValue::object(states));
    }
    if let Some(vars) = scope.context.variables {
        for name in expr.variables() {
            if let Some(v) = vars.get(name) {
                context.bind(name.clone(), to_jvalue(v));
            }
        }
    }
    let options = EvaluatorOptions {
        timeout_ms: Some(TIMEOUT_MS),
        max_sequence_length: Some(MAX_SEQUENCE),
        ..EvaluatorOptions::default()
    };
    let mut evaluator = Evaluator::with_options(context, options);
    functions::register(&mut evaluator, expr.functions(), scope);
    let out = evaluator
        .evaluate(expr.ast(), &JValue::Null)
        .map_err(|e| Failure::Thrown(e.message().to_string()))?;
    if out.is_undefined() {
        return Err(Failure::Undefined);
    }
    if out.is_function() {
        return Err(Failure::Function);
    }
    serde_json::to_value(&out).map_err(|e| Failure::Thrown(e.to_string()))
}

/// `States.QueryEvaluationError` for an expression in `field` (a location such as
/// `Output/result`), with AWS's cause.
pub fn query_error(expr: &Expression, field: &str, failure: Failure) -> StatesError {
    let what = match failure {
        Failure::Undefined => "returned nothing (undefined).".to_string(),
        Failure::Function => "returned an unsupported result type.".to_string(),
        Failure::Thrown(m) => format!("threw an error during evaluation. {m}"),
    };
    StatesError::new(
        names::QUERY_EVALUATION_ERROR,
        format!(
            "The JSONata expression '{}' specified for the field '{field}' {what}",
            expr.text()
        ),
    )
}

/// Evaluates the expression of `field`, failing as AWS does.
pub fn evaluate_field(
    expr: &Expression,
    scope: &mut Scope,
    field: &str,
) -> Result<Value, StatesError> {
    evaluate(expr, scope).map_err(|f| query_error(expr, field, f))
}

/// AWS's JSON type names in its "unexpected result type" causes.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A field that needs a value of some kind or range (a positive integer, a number from 0
/// to 100) got another.
pub fn wrong_value(expr: &Expression, field: &str, what: &str, got: &Value) -> StatesError {
    StatesError::new(
        names::QUERY_EVALUATION_ERROR,
        format!(
            "The JSONata expression '{}' specified for the field '{field}' must give {what}, but gave: {got}",
            expr.text()
        ),
    )
}

/// A field that must be of one type got another.
pub fn unexpected_type(expr: &Expression, field: &str, expected: &str, got: &Value) -> StatesError {
    StatesError::new(
        names::QUERY_EVALUATION_ERROR,
        format!(
            "The JSONata expression '{}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {got}",
            expr.text(),
            type_name(got)
        ),
    )
}

#[cfg(test)]
mod tests;
