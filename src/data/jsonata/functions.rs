//! The functions Step Functions adds to JSONata (`$partition`, `$range`, `$hash`, `$random`,
//! `$uuid`, `$parse`), `$now` and `$millis` on the execution's clock, and `$eval`, which AWS
//! refuses. Only the ones an expression calls are registered for its evaluation.

use crate::asl::jsonata::HostFunction;
use crate::data::intrinsics::{digest_hex, inclusive_range, MAX_RANGE};
use crate::data::Scope;
use jsonata_core::evaluator::{Evaluator, EvaluatorError};
use jsonata_core::value::JValue;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::cell::RefCell;
use std::rc::Rc;

type Outcome = Result<JValue, EvaluatorError>;

fn error(function: &str, message: impl std::fmt::Display) -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("${function}: {message}"))
}

/// Registers `wanted` on `evaluator`. Randomness comes from a source seeded from the
/// execution's, so a run with a seed is reproducible; time is the state's entered time on
/// the execution's clock (virtual time included).
pub(super) fn register(evaluator: &mut Evaluator, wanted: &[HostFunction], scope: &mut Scope) {
    if wanted.is_empty() {
        return;
    }
    let rng = Rc::new(RefCell::new(SmallRng::seed_from_u64(scope.rng.gen())));
    let now = scope.context.entered_time;
    for &f in wanted {
        let name = f.name();
        let done = match f {
            HostFunction::Partition => evaluator.register_fn(name, partition),
            HostFunction::Range => evaluator.register_fn_override(name, range),
            HostFunction::Hash => evaluator.register_fn(name, hash),
            HostFunction::Parse => evaluator.register_fn(name, parse),
            HostFunction::Random => {
                let rng = Rc::clone(&rng);
                evaluator.register_fn_override(name, move |args: &[JValue]| random(args, &rng))
            }
            HostFunction::Uuid => {
                let rng = Rc::clone(&rng);
                evaluator.register_fn(name, move |_: &[JValue]| {
                    let bytes: [u8; 16] = rng.borrow_mut().gen();
                    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
                    Ok(JValue::from(id.to_string()))
                })
            }
            HostFunction::Now => evaluator.register_fn_override(name, move |_: &[JValue]| {
                Ok(JValue::from(crate::data::time::iso(now)))
            }),
            HostFunction::Millis => evaluator.register_fn_override(name, move |_: &[JValue]| {
                Ok(JValue::from(now.timestamp_millis()))
            }),
            HostFunction::Eval => evaluator.register_fn_override(name, |_: &[JValue]| {
                Err(error("eval", "is not supported; use $parse"))
            }),
        };
        // A name the crate already defines as a built-in that cannot be overridden keeps the
        // crate's meaning; the tests pin down that every one of ours registers.
        debug_assert!(done.is_ok(), "${name} registers: {done:?}");
    }
}

fn integer(function: &str, v: Option<&JValue>, what: &str) -> Result<i64, EvaluatorError> {
    match v.and_then(JValue::as_f64) {
        Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Ok(n as i64),
        _ => Err(error(function, format!("the {what} must be an integer"))),
    }
}

fn items(v: Option<&JValue>) -> Vec<JValue> {
    match v {
        Some(JValue::Array(a)) => a.iter().cloned().collect(),
        Some(JValue::Undefined) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    }
}

fn partition(args: &[JValue]) -> Outcome {
    let size = integer("partition", args.get(1), "chunk size")?;
    if size <= 0 {
        return Err(error("partition", "the chunk size must be greater than 0"));
    }
    let all = items(args.first());
    Ok(JValue::array(
        all.chunks(size as usize)
            .map(|c| JValue::array(c.to_vec()))
            .collect(),
    ))
}

/// `$range(start, end, step)`: the end is included, and a single number comes back as
/// itself (a JSONata sequence of one).
fn range(args: &[JValue]) -> Outcome {
    let start = integer("range", args.first(), "start")?;
    let end = integer("range", args.get(1), "end")?;
    let step = match args.get(2) {
        None | Some(JValue::Undefined) => 1,
        v => integer("range", v, "step")?,
    };
    let values = inclusive_range(start, end, step)
        .ok_or_else(|| error("range", format!("the result exceeds {MAX_RANGE} elements")))?;
    Ok(JValue::sequence(
        values.into_iter().map(JValue::from).collect(),
    ))
}

fn hash(args: &[JValue]) -> Outcome {
    let data = match args.first() {
        Some(JValue::String(s)) => s.to_string(),
        Some(other) => other.to_json_string().unwrap_or_default(),
        None => return Err(error("hash", "the data to hash is missing")),
    };
    let alg = args.get(1).and_then(JValue::as_str).unwrap_or("");
    digest_hex(alg, data.as_bytes())
        .map(JValue::from)
        .ok_or_else(|| {
            error(
                "hash",
                format!("unsupported algorithm '{alg}' (MD5, SHA-1, SHA-256, SHA-384, SHA-512)"),
            )
        })
}

fn parse(args: &[JValue]) -> Outcome {
    let text = args
        .first()
        .and_then(JValue::as_str)
        .ok_or_else(|| error("parse", "the argument must be a string"))?;
    JValue::from_json_str(text).map_err(|e| error("parse", format!("invalid JSON: {e}")))
}

fn random(args: &[JValue], rng: &RefCell<SmallRng>) -> Outcome {
    let n: f64 = match args.first() {
        None | Some(JValue::Undefined) => rng.borrow_mut().gen(),
        seed => {
            let seed = integer("random", seed, "seed")?;
            SmallRng::seed_from_u64(seed as u64).gen()
        }
    };
    Ok(JValue::Number(n))
}
