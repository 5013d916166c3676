//! Wait: until a number of seconds has passed or a timestamp is reached, then pass the input
//! on. The runtime sleeps on its `Clock`, so virtual time makes a one-year Wait instant.

use crate::asl::model::{QueryLanguage, State, WaitFor, WaitState};
use crate::asl::timestamp;
use crate::data::jsonata::{self, evaluate_field};
use crate::data::payload::read_path;
use crate::data::{names, ContextObject, Scope, StatesError};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// When the wait ends and what the state outputs then.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitPlan {
    pub until: DateTime<Utc>,
    pub exit: super::Exit,
}

/// AWS refuses delays whose seconds do not fit a signed 32-bit integer.
const MAX_DELAY_SECONDS: i64 = i32::MAX as i64;

pub fn plan(
    state: &State,
    w: &WaitState,
    raw: Value,
    context: &ContextObject,
    now: DateTime<Utc>,
    rng: &mut rand::rngs::SmallRng,
) -> Result<WaitPlan, StatesError> {
    let effective = super::effective_owned(state, raw, context)?;
    let until = match &w.wait {
        WaitFor::Seconds(s) => crate::data::time::after(now, *s),
        WaitFor::Timestamp(t) => parse_ts(t).ok_or_else(|| {
            StatesError::runtime(format!(
                "The Timestamp '{t}' is not a valid ISO-8601 date-time"
            ))
        })?,
        WaitFor::SecondsPath(p) => {
            let v = read_path(p, &effective, context)?;
            let secs = match v.as_i64() {
                Some(n) if n < 0 => {
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a negative value: {} == {}",
                        p.as_str(),
                        v
                    )))
                }
                Some(n) => n,
                None => {
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {} == {}",
                        p.as_str(),
                        shown(&v)
                    )))
                }
            };
            if secs > MAX_DELAY_SECONDS {
                return Err(too_long());
            }
            crate::data::time::after(now, secs as u64)
        }
        WaitFor::SecondsExpr(e) => {
            let mut scope = Scope::new(&effective, context, rng);
            let v = evaluate_field(e, &mut scope, "Seconds")?;
            match v.as_u64() {
                Some(n) if n <= 99_999_999 => crate::data::time::after(now, n),
                _ => {
                    let what = "an integer from 0 to 99999999";
                    return Err(jsonata::wrong_value(e, "Seconds", what, &v));
                }
            }
        }
        WaitFor::TimestampExpr(e) => {
            let mut scope = Scope::new(&effective, context, rng);
            let v = evaluate_field(e, &mut scope, "Timestamp")?;
            v.as_str().and_then(parse_ts).ok_or_else(|| {
                StatesError::new(
                    names::QUERY_EVALUATION_ERROR,
                    format!(
                        "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                        shown(&v)
                    ),
                )
            })?
        }
        WaitFor::TimestampPath(p) => {
            let v = read_path(p, &effective, context)?;
            v.as_str().and_then(parse_ts).ok_or_else(|| {
                StatesError::runtime(format!(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                    p.as_str(),
                    shown(&v)
                ))
            })?
        }
    };
    if (until - now).num_seconds() > MAX_DELAY_SECONDS {
        return Err(too_long());
    }
    if state.query == QueryLanguage::Jsonata {
        let exit = super::jsonata_through(
            state.output.as_ref(),
            state.assign.as_ref(),
            effective,
            context,
            rng,
        )?;
        return Ok(WaitPlan { until, exit });
    }
    let assigned = super::assign(state.assign.as_ref(), &effective, context, rng)?;
    let output = super::state_output(state, effective, context)?;
    Ok(WaitPlan {
        until,
        exit: super::Exit { output, assigned },
    })
}

fn too_long() -> StatesError {
    StatesError::runtime("Wait state delay is too long.")
}

fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    timestamp::parse(s).map(|t| t.with_timezone(&Utc))
}

/// Strings appear bare in AWS's messages, other values as JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ContextObject;
    use serde_json::json;

    fn plan_for(field: Value, input: Value) -> Result<WaitPlan, StatesError> {
        let mut st = json!({"Type": "Wait", "End": true});
        st.as_object_mut()
            .unwrap()
            .extend(field.as_object().unwrap().clone());
        let m = crate::asl::parse_value(&json!({"StartAt": "W", "States": {"W": st}})).unwrap();
        let state = &m.body.states[0];
        let crate::asl::StateKind::Wait(w) = &state.kind else {
            unreachable!()
        };
        let e = crate::data::context::test_execution();
        let c = ContextObject::new(&e, "W", chrono::DateTime::UNIX_EPOCH);
        let now = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut rng = rand::SeedableRng::seed_from_u64(0);
        plan(state, w, input, &c, now, &mut rng)
    }

    #[test]
    fn seconds_and_timestamps() {
        let p = plan_for(json!({"Seconds": 60}), json!({"a": 1})).unwrap();
        assert_eq!(p.until.to_rfc3339(), "2024-01-01T00:01:00+00:00");
        assert_eq!(p.exit.output, json!({"a": 1}));
        let p = plan_for(json!({"SecondsPath": "$.s"}), json!({"s": 0})).unwrap();
        assert_eq!(p.until.to_rfc3339(), "2024-01-01T00:00:00+00:00");
        let p = plan_for(
            json!({"TimestampPath": "$.t"}),
            json!({"t": "2025-01-01T00:00:00.123456789Z"}),
        )
        .unwrap();
        assert_eq!(p.until.timestamp(), 1_735_689_600);
        let p = plan_for(json!({"Timestamp": "2023-01-01T00:00:00Z"}), json!({})).unwrap();
        assert!(
            p.until.timestamp() < 1_704_067_200,
            "past timestamps end at once"
        );
    }

    #[test]
    fn bad_values_are_runtime_errors_with_aws_causes() {
        let e = plan_for(json!({"SecondsPath": "$.s"}), json!({"s": -1})).unwrap_err();
        assert_eq!(
            e.cause.unwrap(),
            "The SecondsPath parameter references a negative value: $.s == -1"
        );
        let e = plan_for(json!({"SecondsPath": "$.s"}), json!({"s": 1.5})).unwrap_err();
        assert_eq!(
            e.cause.unwrap(),
            "The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5"
        );
        let e = plan_for(
            json!({"TimestampPath": "$.t"}),
            json!({"t": "2016-12-05 21:29:29Z"}),
        )
        .unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        let e = plan_for(json!({"SecondsPath": "$.nope"}), json!({})).unwrap_err();
        assert_eq!(
            e.cause.unwrap(),
            "Invalid path '$.nope' : No results for path: $['nope']"
        );
        let e = plan_for(
            json!({"TimestampPath": "$.t"}),
            json!({"t": "2200-01-01T00:00:00Z"}),
        )
        .unwrap_err();
        assert_eq!(e.cause.unwrap(), "Wait state delay is too long.");
    }
}
