//! Shared set-up for the criterion benches: a runtime on virtual time with a raised
//! payload limit, and a helper that runs executions to their end.

use sfn_runtime::api::types::{CreateStateMachineInput, StartExecutionInput};
use sfn_runtime::api::StepFunctions;

pub fn service() -> StepFunctions {
    StepFunctions::builder()
        .virtual_clock()
        .payload_limit(64 << 20)
        .build()
        .expect("runtime starts")
}

pub fn create(sfn: &StepFunctions, name: &str, definition: &str, machine_type: &str) -> String {
    sfn.create_state_machine(CreateStateMachineInput {
        name: name.into(),
        definition: definition.into(),
        role_arn: "arn:aws:iam::123456789012:role/bench".into(),
        r#type: Some(machine_type.into()),
        ..Default::default()
    })
    .expect("valid definition")
    .state_machine_arn
}

/// Starts `n` executions at once and waits for all of them.
pub fn run_n(sfn: &StepFunctions, arn: &str, input: &str, n: usize) {
    let records: Vec<_> = (0..n)
        .map(|_| {
            sfn.start(StartExecutionInput {
                state_machine_arn: arn.into(),
                input: Some(input.into()),
                ..Default::default()
            })
            .expect("starts")
        })
        .collect();
    for r in records {
        r.wait_blocking();
        assert_eq!(r.status().as_str(), "SUCCEEDED");
    }
}
