//! Retry and Catch: what happens when a Task, Parallel or Map state fails.
//!
//! AWS: the first Retrier whose ErrorEquals matches decides; once its MaxAttempts are spent
//! the error goes to Catch, where the first matching Catcher wins. Each Retrier counts its
//! own attempts, and the counts start from zero whenever the state is entered (a redrive
//! enters it afresh).

use crate::asl::model::{Catcher, Jitter, Retrier, StateId};
use crate::data::payload::apply_result_path;
use crate::data::StatesError;
use rand::Rng;
use serde_json::{json, Value};
use std::time::Duration;

/// Attempts used so far, one counter per Retrier of the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetryCounters(Vec<u64>);

impl RetryCounters {
    /// Counters where every Retrier has made `n` retries already (TestState's
    /// `retrierRetryCount`).
    pub fn uniform(n: u64, retriers: usize) -> Self {
        RetryCounters(vec![n; retriers])
    }

    /// Total retries so far: `$$.State.RetryCount`.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// What to do about a failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Recovery {
    /// Run the state's work again after `delay`.
    Retry { delay: Duration },
    /// Leave the state for `next` with this output. `catcher` (its index) may `Assign`
    /// variables from `error_output`.
    Catch {
        next: StateId,
        output: Value,
        catcher: usize,
        error_output: Value,
    },
    /// Nothing handles it: the failure propagates.
    Fail(StatesError),
}

/// Decides how a state recovers from `error`. `raw_input` is the state's input, which a
/// Catcher's ResultPath combines with the error output.
pub fn recover(
    retriers: &[Retrier],
    catchers: &[Catcher],
    error: StatesError,
    counters: &mut RetryCounters,
    raw_input: &Value,
    rng: &mut impl Rng,
) -> Recovery {
    if counters.0.len() < retriers.len() {
        counters.0.resize(retriers.len(), 0);
    }
    if let Some((i, r)) = retriers
        .iter()
        .enumerate()
        .find(|(_, r)| error.matches_any(&r.error_equals))
    {
        if counters.0[i] < r.max_attempts {
            let delay = backoff(r, counters.0[i], rng);
            counters.0[i] += 1;
            return Recovery::Retry { delay };
        }
    }
    catch(catchers, error, raw_input)
}

/// The Catch half alone (for states without Retry, and after retries run out).
pub fn catch(catchers: &[Catcher], error: StatesError, raw_input: &Value) -> Recovery {
    let Some((catcher, c)) = catchers
        .iter()
        .enumerate()
        .find(|(_, c)| error.matches_any(&c.error_equals))
    else {
        return Recovery::Fail(error);
    };
    let error_output = error_output(&error);
    match apply_result_path(raw_input.clone(), error_output.clone(), &c.result_path) {
        Ok(output) => Recovery::Catch {
            next: c.next,
            output,
            catcher,
            error_output,
        },
        Err(e) => Recovery::Fail(e),
    }
}

/// The error output a Catcher passes on: `{"Error": ..., "Cause": ...}`. AWS (as
/// recorded) writes both keys, with null for a missing (or empty) error or cause.
pub fn error_output(e: &StatesError) -> Value {
    let error = Some(e.error.as_str()).filter(|s| !s.is_empty());
    let cause = e.cause.as_deref().filter(|s| !s.is_empty());
    json!({"Error": error, "Cause": cause})
}

/// IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds, with FULL jitter
/// drawing uniformly from [0, delay].
fn backoff(r: &Retrier, attempt: u64, rng: &mut impl Rng) -> Duration {
    let mut secs = r.interval_seconds as f64 * r.backoff_rate.powi(attempt.min(1_000) as i32);
    if let Some(max) = r.max_delay_seconds {
        secs = secs.min(max as f64);
    }
    // A year is the longest any execution can wait; this keeps Duration in range.
    secs = secs.min(31_622_400.0);
    if r.jitter == Jitter::Full {
        secs = rng.gen_range(0.0..=secs);
    }
    Duration::from_secs_f64(secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::model::ResultPath;
    use crate::asl::path::Path;
    use rand::SeedableRng;

    fn retrier(errors: &[&str], max: u64) -> Retrier {
        Retrier {
            error_equals: errors.iter().map(|s| s.to_string()).collect(),
            max_attempts: max,
            ..Retrier::default()
        }
    }

    fn catcher(errors: &[&str], next: u32, rp: Option<&str>) -> Catcher {
        Catcher {
            error_equals: errors.iter().map(|s| s.to_string()).collect(),
            next: StateId(next),
            result_path: match rp {
                Some(p) => ResultPath::At(Path::parse(p).unwrap()),
                None => ResultPath::whole(),
            },
            assign: None,
            output: None,
        }
    }

    #[test]
    fn retries_with_backoff_then_catches() {
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        let rs = vec![Retrier {
            backoff_rate: 2.0,
            interval_seconds: 3,
            ..retrier(&["E"], 2)
        }];
        let cs = vec![catcher(&["States.ALL"], 5, Some("$.err"))];
        let mut n = RetryCounters::default();
        let e = StatesError::new("E", "c");
        let input = json!({"a": 1});
        assert_eq!(
            recover(&rs, &cs, e.clone(), &mut n, &input, &mut rng),
            Recovery::Retry {
                delay: Duration::from_secs(3)
            }
        );
        assert_eq!(
            recover(&rs, &cs, e.clone(), &mut n, &input, &mut rng),
            Recovery::Retry {
                delay: Duration::from_secs(6)
            }
        );
        assert_eq!(n.total(), 2);
        assert_eq!(
            recover(&rs, &cs, e, &mut n, &input, &mut rng),
            Recovery::Catch {
                next: StateId(5),
                output: json!({"a": 1, "err": {"Error": "E", "Cause": "c"}}),
                catcher: 0,
                error_output: json!({"Error": "E", "Cause": "c"}),
            }
        );
    }

    #[test]
    fn max_delay_and_jitter() {
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        let r = Retrier {
            interval_seconds: 10,
            backoff_rate: 10.0,
            max_delay_seconds: Some(50),
            ..retrier(&["E"], 5)
        };
        assert_eq!(backoff(&r, 3, &mut rng), Duration::from_secs(50));
        let j = Retrier {
            jitter: Jitter::Full,
            ..r
        };
        for _ in 0..50 {
            assert!(backoff(&j, 3, &mut rng) <= Duration::from_secs(50));
        }
    }

    #[test]
    fn zero_attempts_and_first_match_wins() {
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        let rs = vec![retrier(&["E"], 0), retrier(&["States.ALL"], 3)];
        let mut n = RetryCounters::default();
        // The first matching retrier has MaxAttempts 0: no retry, even though a later one
        // would allow it.
        assert_eq!(
            recover(
                &rs,
                &[],
                StatesError::new("E", "c"),
                &mut n,
                &json!({}),
                &mut rng
            ),
            Recovery::Fail(StatesError::new("E", "c"))
        );
    }

    #[test]
    fn runtime_errors_are_neither_retried_nor_caught_by_all() {
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        let rs = vec![retrier(&["States.ALL"], 3)];
        let cs = vec![catcher(&["States.ALL"], 1, None)];
        let e = StatesError::runtime("x");
        let mut n = RetryCounters::default();
        assert_eq!(
            recover(&rs, &cs, e.clone(), &mut n, &json!({}), &mut rng),
            Recovery::Fail(e)
        );
    }

    #[test]
    fn error_output_always_has_both_keys() {
        assert_eq!(
            error_output(&StatesError::new("E", "c")),
            json!({"Error": "E", "Cause": "c"})
        );
        assert_eq!(
            error_output(&StatesError {
                error: "E".into(),
                cause: None
            }),
            json!({"Error": "E", "Cause": null})
        );
        assert_eq!(
            error_output(&StatesError {
                error: String::new(),
                cause: Some(String::new())
            }),
            json!({"Error": null, "Cause": null})
        );
    }

    #[test]
    fn catcher_result_path_failure_propagates() {
        let cs = vec![catcher(&["E"], 1, Some("$.a.b"))];
        match catch(&cs, StatesError::new("E", "c"), &json!({"a": "str"})) {
            Recovery::Fail(e) => assert_eq!(e.error, "States.ResultPathMatchFailure"),
            other => panic!("{other:?}"),
        }
    }
}
