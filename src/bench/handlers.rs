//! Task handlers for load tests, addressable by resource ARN from any definition once
//! registered (`sfn bench` registers them; a library user calls [`register`]).
//!
//! | Resource | Parameters | Answer |
//! |---|---|---|
//! | `arn:aws:states:::sfn-bench:echo` | anything | the parameters |
//! | `arn:aws:states:::sfn-bench:sleep` | `Millis`, or `Distribution`: `{"Type": "uniform", "MinMillis", "MaxMillis"}`, `{"Type": "exponential", "MeanMillis"}`, `{"Type": "normal", "MeanMillis", "StdDevMillis"}`; optional `Key` | `{"SleptMillis": ms}` after sleeping that long on the real clock |
//! | `arn:aws:states:::sfn-bench:fail` | `Probability` (0 to 1), optional `Key` | fails with `Bench.Failed` for a fraction `Probability` of the keys, else the parameters |
//! | `arn:aws:states:::sfn-bench:failFirstAttempt` | optional `Key`, `Probability` (default 1), `Fail` (default true) | the first call for a chosen key fails with `Bench.FirstAttemptFailed`; later calls (a retry, a redrive) answer the parameters |
//!
//! Which keys fail, and how long a distribution sleeps, depends only on the seed and the
//! key (the parameters when no `Key` is given), so a run can be repeated exactly. The keys
//! that already failed their first attempt are kept by the service the handlers are
//! registered with, and in its data directory when it has one (`sfn-bench-first-attempts`),
//! so a redrive succeeds, also one by a later process.

use crate::api::StepFunctionsBuilder;
use crate::runtime::{TaskFailure, TaskRequest};
use dashmap::DashSet;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The handler that answers with its parameters.
pub const ECHO: &str = "arn:aws:states:::sfn-bench:echo";
/// The handler that sleeps, on the real clock, for a fixed or a drawn time.
pub const SLEEP: &str = "arn:aws:states:::sfn-bench:sleep";
/// The handler that fails for a seeded fraction of the keys.
pub const FAIL: &str = "arn:aws:states:::sfn-bench:fail";
/// The handler whose first call for a chosen key fails, so that a redrive succeeds.
pub const FAIL_FIRST_ATTEMPT: &str = "arn:aws:states:::sfn-bench:failFirstAttempt";

/// Registers the four handlers, their randomness drawn from `seed`. Call it after
/// `data_dir`, so that the keys that failed their first attempt are kept there.
pub fn register(builder: StepFunctionsBuilder, seed: u64) -> StepFunctionsBuilder {
    let memory = builder
        .data_dir_path()
        .map(|d| d.join("sfn-bench-first-attempts"));
    let failed_once = Arc::new(FirstAttempts::open(memory));
    builder
        .handler(ECHO, |r: TaskRequest| async move { Ok(r.parameters) })
        .handler(SLEEP, move |r: TaskRequest| {
            let millis = sleep_millis(&r.parameters, seed);
            async move {
                let millis = millis?;
                tokio::time::sleep(Duration::from_secs_f64(millis / 1000.0)).await;
                Ok(json!({ "SleptMillis": millis }))
            }
        })
        .handler(FAIL, move |r: TaskRequest| {
            let chosen =
                probability(&r.parameters, 0.0).map(|p| unit(seed, key(&r.parameters)) < p);
            async move {
                match chosen? {
                    true => Err(TaskFailure::new(
                        "Bench.Failed",
                        "chosen to fail by the seed",
                    )),
                    false => Ok(r.parameters),
                }
            }
        })
        .handler(FAIL_FIRST_ATTEMPT, move |r: TaskRequest| {
            let k = key(&r.parameters);
            let wanted = r
                .parameters
                .get("Fail")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let chosen = probability(&r.parameters, 1.0).map(|p| wanted && unit(seed, k) < p);
            // The first call for a chosen key fails and is remembered; later ones succeed.
            let fail = chosen.map(|c| c && failed_once.insert(hash(seed, k)));
            async move {
                match fail? {
                    true => Err(TaskFailure::new(
                        "Bench.FirstAttemptFailed",
                        "the first attempt for this key fails",
                    )),
                    false => Ok(r.parameters),
                }
            }
        })
}

/// The keys (as hashes) whose first attempt failed: in memory, and appended to a file when
/// there is one, eight bytes a key.
struct FirstAttempts {
    seen: DashSet<u64>,
    file: Option<Mutex<std::fs::File>>,
}

impl FirstAttempts {
    fn open(path: Option<PathBuf>) -> Self {
        let seen = DashSet::new();
        let file = path.and_then(|p| {
            if let Ok(bytes) = std::fs::read(&p) {
                for k in bytes.chunks_exact(8) {
                    seen.insert(u64::from_le_bytes(k.try_into().expect("8 bytes")));
                }
            }
            let _ = std::fs::create_dir_all(p.parent()?);
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&p)
                .ok()
                .map(Mutex::new)
        });
        FirstAttempts { seen, file }
    }

    /// Remembers `key`; true if it was new. A key that cannot be written down is still
    /// remembered for the life of the process.
    fn insert(&self, key: u64) -> bool {
        if !self.seen.insert(key) {
            return false;
        }
        if let Some(f) = &self.file {
            let mut f = f.lock().unwrap_or_else(|e| e.into_inner());
            let _ = f.write_all(&key.to_le_bytes()).and_then(|()| f.sync_data());
        }
        true
    }
}

fn key(params: &Value) -> &Value {
    params.get("Key").unwrap_or(params)
}

fn probability(params: &Value, default: f64) -> Result<f64, TaskFailure> {
    match params.get("Probability") {
        None => Ok(default),
        Some(v) => match v.as_f64() {
            Some(p) if (0.0..=1.0).contains(&p) => Ok(p),
            _ => Err(bad(format!(
                "Probability must be a number from 0 to 1, got {v}"
            ))),
        },
    }
}

fn bad(cause: String) -> TaskFailure {
    TaskFailure::new("Bench.InvalidParameters", cause)
}

/// How long the sleep handler sleeps, in milliseconds.
fn sleep_millis(params: &Value, seed: u64) -> Result<f64, TaskFailure> {
    let num = |v: &Value, field: &str| -> Result<f64, TaskFailure> {
        match v.get(field).and_then(Value::as_f64) {
            Some(n) if n >= 0.0 && n.is_finite() => Ok(n),
            _ => Err(bad(format!("{field} must be a non-negative number"))),
        }
    };
    if params.get("Millis").is_some() {
        return num(params, "Millis");
    }
    let Some(d) = params.get("Distribution") else {
        return Err(bad("give Millis or a Distribution".into()));
    };
    let h = hash(seed, key(params));
    let u = to_unit(h);
    let ms = match d.get("Type").and_then(Value::as_str) {
        Some("uniform") => {
            let (lo, hi) = (num(d, "MinMillis")?, num(d, "MaxMillis")?);
            if hi < lo {
                return Err(bad("MaxMillis is below MinMillis".into()));
            }
            lo + u * (hi - lo)
        }
        Some("exponential") => -num(d, "MeanMillis")? * (1.0 - u).ln(),
        Some("normal") => {
            // Box–Muller with a second draw from the same key.
            let u2 = to_unit(mix(h ^ 0x9e37_79b9_7f4a_7c15)).max(f64::MIN_POSITIVE);
            let z = (-2.0 * u2.ln()).sqrt() * (2.0 * std::f64::consts::PI * u).cos();
            (num(d, "MeanMillis")? + z * num(d, "StdDevMillis")?).max(0.0)
        }
        other => {
            return Err(bad(format!(
                "Distribution.Type must be uniform, exponential or normal, got {other:?}"
            )))
        }
    };
    Ok(ms)
}

/// A stable 64-bit hash of the key's JSON text and the seed (FNV-1a, then mixed): the
/// same on every machine and every build.
fn hash(seed: u64, key: &Value) -> u64 {
    let text = key.to_string();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hash as a number in [0, 1).
fn to_unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

fn unit(seed: u64, key: &Value) -> f64 {
    to_unit(hash(seed, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_depend_only_on_seed_and_key() {
        let chosen = |seed| {
            (0..10_000)
                .filter(|i| unit(seed, &json!(i)) < 0.1)
                .collect::<Vec<_>>()
        };
        let a = chosen(7);
        assert_eq!(a, chosen(7));
        assert_ne!(a, chosen(8));
        // About a tenth of the keys.
        assert!((900..1100).contains(&a.len()), "{}", a.len());
    }

    #[test]
    fn sleeps_follow_their_distribution() {
        let fixed = sleep_millis(&json!({"Millis": 5}), 1).unwrap();
        assert_eq!(fixed, 5.0);
        let draws: Vec<f64> = (0..2000)
            .map(|i| {
                sleep_millis(
                    &json!({"Key": i, "Distribution": {"Type": "uniform", "MinMillis": 2, "MaxMillis": 4}}),
                    1,
                )
                .unwrap()
            })
            .collect();
        assert!(draws.iter().all(|d| (2.0..=4.0).contains(d)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 3.0).abs() < 0.1, "{mean}");
        let exp: f64 = (0..4000)
            .map(|i| {
                sleep_millis(
                    &json!({"Key": i, "Distribution": {"Type": "exponential", "MeanMillis": 10}}),
                    3,
                )
                .unwrap()
            })
            .sum::<f64>()
            / 4000.0;
        assert!((exp - 10.0).abs() < 1.0, "{exp}");
        assert!(sleep_millis(&json!({"Distribution": {"Type": "zipf"}}), 1).is_err());
        assert!(sleep_millis(&json!({"Millis": -1}), 1).is_err());
    }
}
