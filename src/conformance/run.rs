//! Running cases on the real runtime: one service with a virtual clock and a fixed seed,
//! every case started at once, then each awaited.

use super::case::Case;
use crate::api::types::{CreateStateMachineInput, StartExecutionInput};
use crate::api::{describe, StepFunctions};
use crate::runtime::mock::MockConfig;
use serde_json::{json, Map, Value};

/// What the runtime did with a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The execution's status, or `ERROR` when the runtime rejected the case.
    pub status: String,
    /// The execution's output, parsed, when it succeeded.
    pub output: Option<Value>,
    /// The execution's error, or why the runtime rejected the case.
    pub error: Option<String>,
    /// The cause that goes with the error, if any.
    pub cause: Option<String>,
    /// The types of the execution's history events, in order (`ExecutionStarted`, ...).
    pub history_types: Vec<String>,
}

impl Observed {
    /// The observation as one JSON object with the case's `id`, in the shape of `expected`.
    pub fn to_json(&self, id: &str) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("status".into(), json!(self.status));
        if let Some(o) = &self.output {
            m.insert("output".into(), o.clone());
        }
        if let Some(e) = &self.error {
            m.insert("error".into(), json!(e));
        }
        if let Some(c) = &self.cause {
            m.insert("cause".into(), json!(c));
        }
        m.insert("history_types".into(), json!(self.history_types));
        Value::Object(m)
    }
}

/// Runs the cases concurrently on one runtime (virtual time, a fresh execution each).
pub fn run_cases(cases: &[Case]) -> Result<Vec<Observed>, String> {
    // The cases were recorded in account 111111111111; ARNs in expected outputs show it.
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .account("111111111111")
        // Reproducible runs: the same generated ids every time.
        .seed(0x5f3759df)
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let started: Vec<Result<_, String>> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| start_case(&sfn, i, c))
        .collect();
    Ok(started
        .into_iter()
        .map(|s| match s {
            Ok(record) => {
                record.wait_blocking();
                let d = describe(&record);
                let history = record.with_progress(|p| {
                    p.history.iter().map(|e| e.event_type.to_string()).collect()
                });
                Observed {
                    status: d.status,
                    output: d.output.and_then(|o| serde_json::from_str(&o).ok()),
                    error: d.error,
                    cause: d.cause,
                    history_types: history,
                }
            }
            Err(e) => rejected(e),
        })
        .collect())
}

fn rejected(error: String) -> Observed {
    Observed {
        status: "ERROR".into(),
        output: None,
        error: Some(error),
        cause: None,
        history_types: Vec::new(),
    }
}

fn start_case(
    sfn: &StepFunctions,
    i: usize,
    c: &Case,
) -> Result<std::sync::Arc<crate::runtime::ExecutionRecord>, String> {
    let name = format!("case-{i}");
    let sm = sfn
        .create_state_machine(CreateStateMachineInput {
            name: name.clone(),
            definition: c.definition.to_string(),
            role_arn: "arn:aws:iam::123456789012:role/conformance".into(),
            r#type: None,
            ..Default::default()
        })
        .map_err(|e| e.to_string())?;
    let mocks = MockConfig::single_case(&name, "case", &c.mocks)
        .and_then(|m| m.test_case(&name, "case"))
        .map_err(|e| e.to_string())?;
    sfn.start_with_mocks(
        StartExecutionInput {
            state_machine_arn: sm.state_machine_arn,
            name: Some("exec".into()),
            input: Some(c.input.to_string()),
            trace_header: None,
        },
        mocks,
    )
    .map_err(|e| e.to_string())
}
