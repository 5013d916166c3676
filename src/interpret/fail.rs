//! Fail: stops the execution with an error and cause, literal, read from the input or (in
//! JSONata) given by an expression.

use crate::asl::model::{FailState, TextSource};
use crate::data::{intrinsics, jsonata, Scope, StatesError};
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
        Some(TextSource::Expr(e)) => {
            let field = field.trim_end_matches("Path");
            return match jsonata::evaluate_field(e, scope, field)? {
                Value::String(s) => Ok(Some(s)),
                other => Err(jsonata::unexpected_type(e, field, "string", &other)),
            };
        }
    };
    match v {
        Value::String(s) => Ok(Some(s)),
        other => Err(StatesError::runtime(format!(
            "The value of the field '{field}' must be a string, got {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::model::StateKind;
    use crate::interpret::testing::{rng, Fixture};
    use serde_json::json;

    fn fail_with(fields: Value, input: Value) -> Result<StatesError, StatesError> {
        let mut state = json!({"Type": "Fail"});
        state
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let f = Fixture::new(json!({"StartAt": "F", "States": {"F": state}}));
        let (state, context) = (f.state("F"), f.context("F"));
        let StateKind::Fail(fail) = &state.kind else {
            unreachable!("a Fail state")
        };
        let mut rng = rng();
        run(fail, &mut Scope::new(&input, &context, &mut rng))
    }

    #[test]
    fn error_and_cause_are_literal_read_from_the_input_or_computed() {
        let e = fail_with(json!({"Error": "Boom", "Cause": "why"}), json!({})).unwrap();
        assert_eq!(
            (e.error.as_str(), e.cause.as_deref()),
            ("Boom", Some("why"))
        );
        let e = fail_with(json!({}), json!({})).unwrap();
        assert_eq!((e.error.as_str(), e.cause), ("", None));
        let input = json!({"e": "Read", "c": "from input"});
        let e = fail_with(json!({"ErrorPath": "$.e", "CausePath": "$.c"}), input).unwrap();
        assert_eq!(
            (e.error.as_str(), e.cause.as_deref()),
            ("Read", Some("from input"))
        );
        let fields = json!({"Error": "E", "CausePath": "States.Format('no {}', $.n)"});
        let e = fail_with(fields, json!({"n": 3})).unwrap();
        assert_eq!(e.cause.as_deref(), Some("no 3"));
    }

    #[test]
    fn a_path_to_a_value_that_is_not_a_string_is_a_runtime_error() {
        let e = fail_with(json!({"ErrorPath": "$.e"}), json!({"e": 5})).unwrap_err();
        assert_eq!(e.error, crate::data::names::RUNTIME);
        assert_eq!(
            e.cause.as_deref(),
            Some("The value of the field 'ErrorPath' must be a string, got 5")
        );
        let e = fail_with(json!({"CausePath": "$.missing"}), json!({})).unwrap_err();
        assert_eq!(e.error, crate::data::names::RUNTIME);
    }
}
