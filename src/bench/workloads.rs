//! The named workloads of `sfn bench`, and any definition file as a workload.

use super::handlers::{ECHO, FAIL_FIRST_ATTEMPT};
use serde_json::{json, Map, Value};

/// What one bench runs: a definition, the input of each execution, and the objects its
/// ItemReader reads.
#[derive(Debug, Clone)]
pub struct Workload {
    /// A named workload's name, or the definition file's.
    pub name: String,
    /// The state machine definition, as ASL JSON.
    pub definition: Value,
    /// STANDARD or EXPRESS.
    pub machine_type: String,
    /// The input of every execution.
    pub input: Value,
    /// `(bucket, key, bytes)` put in the object store before the run.
    pub objects: Vec<(String, String, Vec<u8>)>,
    /// A failed execution is redriven, and the redrive timed as a phase of its own.
    pub redrive: bool,
    /// Executions run when `--executions` is not given.
    pub default_executions: u64,
}

/// The role a workload's state machine is created with.
pub const ROLE: &str = "arn:aws:iam::123456789012:role/sfn-bench";

impl Workload {
    /// The name of its state machine: `prefix`, then its own name in the characters a
    /// state machine name may have, cut to 40 so that the whole stays within AWS's 80.
    pub fn machine_name(&self, prefix: &str) -> String {
        let own: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .take(40)
            .collect();
        format!("{prefix}-{own}")
    }
}

/// The names `sfn bench` accepts instead of a file.
pub const NAMES: [&str; 5] = [
    "pass-chain",
    "inline-map",
    "distributed-map",
    "parallel",
    "redrive",
];

/// The Pass states of `pass-chain` when not told otherwise.
pub const CHAIN_LENGTH: usize = 100;

/// The named workloads that run as either type; the others' Map or redrive needs theirs.
pub const TYPE_FREE: [&str; 3] = ["pass-chain", "inline-map", "parallel"];

/// A named workload over `items` items (Map workloads; Pass states for `pass-chain`) where
/// a fraction `fail_rate` of the items fail their first attempt (`redrive`).
pub fn named(name: &str, items: u64, fail_rate: f64) -> Option<Workload> {
    let w = |definition: Value, machine_type: &str, input: Value, executions: u64| Workload {
        name: name.to_string(),
        definition,
        machine_type: machine_type.into(),
        input,
        objects: Vec::new(),
        redrive: false,
        default_executions: executions,
    };
    Some(match name {
        "pass-chain" => w(
            pass_chain(usize::try_from(items).unwrap_or(CHAIN_LENGTH).max(1)),
            "EXPRESS",
            json!({"order": {"id": "o-1", "items": [1, 2, 3]}}),
            100_000,
        ),
        "inline-map" => w(
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Echo", "States": {
                        "Echo": {"Type": "Task", "Resource": ECHO,
                                 "Parameters": {"id.$": "$.id"}, "Next": "Done"},
                        "Done": {"Type": "Pass", "End": true}}},
                "ResultPath": "$.results", "End": true}}}),
            "EXPRESS",
            json!({"items": (0..items).map(|i| json!({"id": i})).collect::<Vec<_>>()}),
            10_000,
        ),
        "parallel" => {
            let branch = json!({"StartAt": "Echo", "States": {
                "Echo": {"Type": "Task", "Resource": ECHO, "Next": "Done"},
                "Done": {"Type": "Pass", "End": true}}});
            w(
                json!({"StartAt": "P", "States": {"P": {"Type": "Parallel",
                    "Branches": [branch.clone(), branch.clone(), branch.clone(), branch],
                    "End": true}}}),
                "EXPRESS",
                json!({"order": "o-1"}),
                100_000,
            )
        }
        "distributed-map" => {
            let mut w = w(
                distributed(
                    "A",
                    json!({"A": {"Type": "Pass", "Next": "B"},
                           "B": {"Type": "Pass", "Parameters": {"id.$": "$.id", "seen": true}, "Next": "C"},
                           "C": {"Type": "Pass", "End": true}}),
                    None,
                ),
                "STANDARD",
                json!({}),
                1,
            );
            w.objects.push(items_file(items, 0));
            w
        }
        "redrive" => {
            // The failing items come last, and the run tolerates half of them: it fails
            // near its end, with nearly every item done, and the redrive runs the rest.
            let failing = ((items as f64) * fail_rate).round() as u64;
            let tolerated = (fail_rate * 100.0 / 2.0).max(0.0);
            let mut w = w(
                distributed(
                    "Work",
                    json!({"Work": {"Type": "Task", "Resource": FAIL_FIRST_ATTEMPT,
                        "Parameters": {"Key.$": "$.id", "Fail.$": "$.fail"}, "End": true}}),
                    Some(tolerated),
                ),
                "STANDARD",
                json!({}),
                1,
            );
            w.objects.push(items_file(items, failing));
            w.redrive = true;
            w
        }
        _ => return None,
    })
}

/// A workload from a definition file's text.
pub fn from_definition(
    name: &str,
    text: &str,
    input: Value,
    machine_type: &str,
) -> Result<Workload, String> {
    let definition: Value =
        serde_json::from_str(text).map_err(|e| format!("{name}: not JSON: {e}"))?;
    Ok(Workload {
        name: name.to_string(),
        definition,
        machine_type: machine_type.to_string(),
        input,
        objects: Vec::new(),
        redrive: false,
        default_executions: 10_000,
    })
}

/// A chain of `n` Pass states, each putting its number at `$.last`.
pub fn pass_chain(n: usize) -> Value {
    let mut states = Map::new();
    for i in 0..n {
        let mut s = json!({"Type": "Pass", "ResultPath": "$.last", "Result": i});
        if i + 1 == n {
            s["End"] = Value::Bool(true);
        } else {
            s["Next"] = Value::String(format!("S{}", i + 1));
        }
        states.insert(format!("S{i}"), s);
    }
    json!({"StartAt": "S0", "States": states})
}

/// [`pass_chain`] in JSONata: each state's `Output` keeps the order and sets `last`. With
/// `evaluated`, `last` comes from an expression the JSONata evaluator runs
/// (`$count(...) + i`); without, each state only copies fields (`$states.input.order`).
pub fn pass_chain_jsonata(n: usize, evaluated: bool) -> Value {
    let mut states = Map::new();
    for i in 0..n {
        let last = if evaluated {
            json!(format!("{{% $count($states.input.order.items) + {i} %}}"))
        } else {
            json!(i)
        };
        let mut s = json!({"Type": "Pass",
            "Output": {"order": "{% $states.input.order %}", "last": last}});
        if i + 1 == n {
            s["End"] = Value::Bool(true);
        } else {
            s["Next"] = Value::String(format!("S{}", i + 1));
        }
        states.insert(format!("S{i}"), s);
    }
    json!({"QueryLanguage": "JSONata", "StartAt": "S0", "States": states})
}

/// A Distributed Map over the items file, EXPRESS children running `states` from `start`,
/// MaxConcurrency 10,000, its result discarded (the children's outputs would exceed the
/// payload limit).
fn distributed(start: &str, states: Value, tolerated_percentage: Option<f64>) -> Value {
    let mut m = json!({"Type": "Map", "MaxConcurrency": 10000,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSONL"},
            "Parameters": {"Bucket": "bench", "Key": "items.jsonl"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": start, "States": states},
        "ResultPath": null, "End": true});
    if let Some(p) = tolerated_percentage {
        m["ToleratedFailurePercentage"] = json!(p);
    }
    json!({"StartAt": "M", "States": {"M": m}})
}

/// `items` JSON Lines `{"id": i}`; the last `failing` also carry `"fail": true`.
fn items_file(items: u64, failing: u64) -> (String, String, Vec<u8>) {
    let mut text = Vec::with_capacity(items as usize * 24);
    for i in 0..items {
        let fail = i >= items.saturating_sub(failing);
        text.extend_from_slice(format!("{{\"id\":{i},\"fail\":{fail}}}\n").as_bytes());
    }
    ("bench".into(), "items.jsonl".into(), text)
}
