//! Fail: stops the execution with an error and cause, literal or read from the input.

use crate::asl::model::{FailState, TextSource};
use crate::data::{intrinsics, Scope, StatesError};
use serde_json::Value;

/// The error the Fail state raises, or the runtime error raised while evaluating it.
pub fn run(fail: &FailState, scope: &mut Scope) -> Result<StatesError, StatesError> {
    let error = text(fail.error.as_ref(), "ErrorPath", scope)?;
    let cause = text(fail.cause.as_ref(), "CausePath", scope)?;
    Ok(StatesError {
        error: error.unwrap_or_default(),
        cause,
    })
}

fn text(
    src: Option<&TextSource>,
    field: &str,
    scope: &mut Scope,
) -> Result<Option<String>, StatesError> {
    let v = match src {
        None => return Ok(None),
        Some(TextSource::Literal(s)) => return Ok(Some(s.clone())),
        Some(TextSource::Path(p)) => scope.resolve_owned(p, field)?,
        Some(TextSource::Call(c)) => intrinsics::eval(c, scope, field)?,
    };
    match v {
        Value::String(s) => Ok(Some(s)),
        other => Err(StatesError::runtime(format!(
            "The value of the field '{field}' must be a string, got {other}"
        ))),
    }
}
