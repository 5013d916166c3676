//! Embedding sfn-runtime: a Rust async function answers a Task state, and the program
//! reads the execution's result and history through the API.

use serde_json::json;
use sfn_runtime::api::types::{
    CreateStateMachineInput, GetExecutionHistoryInput, StartExecutionInput,
};
use sfn_runtime::api::{describe, StepFunctions};
use sfn_runtime::runtime::{TaskFailure, TaskRequest};

const DEFINITION: &str = r#"{
  "StartAt": "Greet",
  "States": {
    "Greet": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet",
      "Parameters": {"name.$": "$.who"},
      "Retry": [{"ErrorEquals": ["Greeter.Busy"], "IntervalSeconds": 1, "MaxAttempts": 2}],
      "End": true
    }
  }
}"#;

async fn greet(req: TaskRequest) -> Result<serde_json::Value, TaskFailure> {
    if req.attempt == 0 {
        return Err(TaskFailure::new("Greeter.Busy", "try again"));
    }
    let name = req.parameters["name"].as_str().unwrap_or("stranger");
    Ok(json!({ "greeting": format!("Hello, {name}!"), "attempt": req.attempt }))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .handler(
            "arn:aws:lambda:us-east-1:123456789012:function:greet",
            greet,
        )
        .build()?;
    let sm = sfn.create_state_machine(CreateStateMachineInput {
        name: "Greeter".into(),
        definition: DEFINITION.into(),
        role_arn: "arn:aws:iam::123456789012:role/example".into(),
        ..Default::default()
    })?;
    let execution = sfn.start(StartExecutionInput {
        state_machine_arn: sm.state_machine_arn,
        input: Some(json!({"who": "Ada"}).to_string()),
        ..Default::default()
    })?;
    execution.wait_blocking();
    let d = describe(&execution);
    println!("{} {}", d.status, d.output.unwrap_or_default());
    let history = sfn.get_execution_history(GetExecutionHistoryInput {
        execution_arn: d.execution_arn,
        ..Default::default()
    })?;
    for e in history.events {
        println!(
            "{:>3} {}",
            e["id"].as_u64().unwrap_or(0),
            e["type"].as_str().unwrap_or("")
        );
    }
    Ok(())
}
