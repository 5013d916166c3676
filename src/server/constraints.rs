//! The model's constraints on each operation's input members (required members, string
//! lengths, patterns, enums, number ranges), checked before an operation runs, and
//! reported as AWS reports them: one `ValidationException` listing every violation, "N
//! validation error(s) detected: Value 'v' at 'member' failed to satisfy constraint: ...".
//! A member of the wrong JSON type is a `SerializationException`, as it is on AWS.

use super::failure::Failure;
use crate::api::ApiError;
use serde_json::Value;

use super::members::{members, Rule};
use Rule::*;

/// Checks `body`, the input of `op`, against the model's constraints.
pub(super) fn check(op: &str, body: &Value) -> Result<(), Failure> {
    let Some(fields) = body.as_object() else {
        return Err(Failure::Serialization(
            "The request body must be a JSON object".into(),
        ));
    };
    let mut violations = Vec::new();
    for &(name, required, rule) in members(op) {
        match fields.get(name).filter(|v| !v.is_null()) {
            None if required => violations.push(format!(
                "Value null at '{name}' failed to satisfy constraint: Member must not be null"
            )),
            None => {}
            Some(v) => {
                if let Some(constraint) = violated(name, rule, v)? {
                    let shown = match (rule, v) {
                        (
                            Text {
                                sensitive: true, ..
                            },
                            _,
                        ) => String::new(),
                        (_, Value::String(s)) => format!(" '{s}'"),
                        (_, other) => format!(" '{other}'"),
                    };
                    violations.push(format!(
                        "Value{shown} at '{name}' failed to satisfy constraint: {constraint}"
                    ));
                }
            }
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Failure::Api(ApiError::violations(&violations)))
    }
}

/// The constraint `v` breaks, if any; a value of the wrong JSON type cannot be read at all.
fn violated(name: &str, rule: Rule, v: &Value) -> Result<Option<String>, Failure> {
    let wrong_type = |expected: &str| {
        Failure::Serialization(format!(
            "The value at '{name}' is not {expected}: {}",
            kind_of(v)
        ))
    };
    Ok(match rule {
        Text { min, max, .. } => {
            let s = v.as_str().ok_or_else(|| wrong_type("a string"))?;
            length(s, min, max)
        }
        Pattern {
            min,
            max,
            ok,
            pattern,
        } => {
            let s = v.as_str().ok_or_else(|| wrong_type("a string"))?;
            length(s, min, max).or_else(|| {
                (!s.chars().all(ok))
                    .then(|| format!("Member must satisfy regular expression pattern: {pattern}"))
            })
        }
        Enum(values) => {
            let s = v.as_str().ok_or_else(|| wrong_type("a string"))?;
            (!values.contains(&s)).then(|| {
                format!(
                    "Member must satisfy enum value set: [{}]",
                    values.join(", ")
                )
            })
        }
        Integer { min, max } => {
            let n = v.as_i64().ok_or_else(|| wrong_type("an integer"))?;
            if n < min {
                Some(format!(
                    "Member must have value greater than or equal to {min}"
                ))
            } else {
                max.filter(|&m| n > m)
                    .map(|m| format!("Member must have value less than or equal to {m}"))
            }
        }
        Float { min, max } => {
            let n = v.as_f64().ok_or_else(|| wrong_type("a number"))?;
            if n < min {
                Some(format!(
                    "Member must have value greater than or equal to {min}"
                ))
            } else {
                (n > max).then(|| format!("Member must have value less than or equal to {max}"))
            }
        }
        Boolean => {
            v.as_bool().ok_or_else(|| wrong_type("a boolean"))?;
            None
        }
        Structure => {
            v.as_object().ok_or_else(|| wrong_type("an object"))?;
            None
        }
        List => {
            v.as_array().ok_or_else(|| wrong_type("a list"))?;
            None
        }
    })
}

/// The length constraint `s` breaks, counted in characters as the model counts them.
fn length(s: &str, min: usize, max: usize) -> Option<String> {
    // Bytes bound characters from above: most strings need no count.
    if s.len() <= max && s.len() >= min.saturating_mul(4) {
        return None;
    }
    let n = s.chars().count();
    if n > max {
        Some(format!(
            "Member must have length less than or equal to {max}"
        ))
    } else if n < min {
        Some(format!(
            "Member must have length greater than or equal to {min}"
        ))
    } else {
        None
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(op: &str, body: Value) -> String {
        match check(op, &body) {
            Err(Failure::Api(ApiError::ValidationException(m))) => m,
            other => panic!("{op} {body}: {other:?}"),
        }
    }

    #[test]
    fn each_violation_is_reported_in_the_model_order() {
        assert_eq!(
            message("StartExecution", json!({"name": "x".repeat(81)})),
            format!(
                "2 validation errors detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null; Value '{}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80",
                "x".repeat(81)
            )
        );
        assert_eq!(
            message("ListExecutions", json!({"maxResults": 1001, "statusFilter": "DONE"})),
            "2 validation errors detected: Value 'DONE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]; Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
        );
        assert_eq!(
            message("CreateStateMachine", json!({"name": "n", "roleArn": "r", "definition": ""})),
            "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        assert_eq!(
            message("RedriveExecution", json!({"executionArn": "a", "clientToken": "has space"})),
            "1 validation error detected: Value 'has space' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+"
        );
        assert_eq!(
            message("UpdateMapRun", json!({"mapRunArn": "a", "toleratedFailurePercentage": 100.5})),
            "1 validation error detected: Value '100.5' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100"
        );
    }

    #[test]
    fn lengths_count_characters_and_null_is_absent() {
        // 80 characters of 3 bytes each: within the limit.
        assert!(check(
            "StartExecution",
            &json!({"stateMachineArn": "a", "name": "é".repeat(80)})
        )
        .is_ok());
        assert!(check(
            "StartExecution",
            &json!({"stateMachineArn": "a", "name": null})
        )
        .is_ok());
        assert!(check("ListStateMachines", &json!({})).is_ok());
        assert!(check(
            "StartExecution",
            &json!({"stateMachineArn": "a", "unknown": 1})
        )
        .is_ok());
    }

    #[test]
    fn a_member_of_the_wrong_type_is_a_serialization_error() {
        for (op, body) in [
            ("StartExecution", json!({"stateMachineArn": 5})),
            ("ListStateMachines", json!({"maxResults": "ten"})),
            ("ListStateMachines", json!({"maxResults": 1.5})),
            (
                "CreateStateMachine",
                json!({"name": "n", "definition": "d", "roleArn": "r", "tags": {}}),
            ),
            (
                "GetExecutionHistory",
                json!({"executionArn": "a", "reverseOrder": "yes"}),
            ),
            ("ListStateMachines", json!([])),
        ] {
            assert!(
                matches!(check(op, &body), Err(Failure::Serialization(_))),
                "{op} {body}"
            );
        }
    }
}
