//! Task: before the call, InputPath → Parameters and the timeouts; after it, ResultSelector →
//! ResultPath → OutputPath. The call itself is the runtime's job.

use crate::asl::model::{QueryLanguage, Seconds, State, TaskState};
use crate::data::payload::{eval_field, eval_template};
use crate::data::{names, Scope, StatesError};
use serde_json::Value;

/// What the runtime must invoke.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskCall {
    /// The effective parameters: what the resource receives.
    pub parameters: Value,
    pub timeout_seconds: Option<u64>,
    pub heartbeat_seconds: Option<u64>,
}

/// How a resource ARN is integrated, which decides its history events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `arn:aws:lambda:...:function:...`: LambdaFunctionScheduled, ...
    Lambda,
    /// `arn:aws:states:...:activity:...`: ActivityScheduled, ...
    Activity,
    /// `arn:aws:states:::service:action[.pattern]`: TaskScheduled, ...
    Service(Pattern),
}

/// The service-integration pattern of a `arn:aws:states:::` resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    RequestResponse,
    Sync,
    WaitForTaskToken,
}

impl Family {
    pub fn of(resource: &str) -> Family {
        let parts: Vec<&str> = resource.splitn(7, ':').collect();
        match parts.as_slice() {
            ["arn", _, "lambda", _, _, "function", ..] => Family::Lambda,
            ["arn", _, "states", _, _, "activity", ..] => Family::Activity,
            _ if resource.ends_with(".waitForTaskToken") => {
                Family::Service(Pattern::WaitForTaskToken)
            }
            _ if resource.ends_with(".sync") || resource.contains(".sync:") => {
                Family::Service(Pattern::Sync)
            }
            _ => Family::Service(Pattern::RequestResponse),
        }
    }

    /// The prefix of this family's task events: `LambdaFunction`, `Activity` or `Task`.
    pub fn event_prefix(self) -> &'static str {
        match self {
            Family::Lambda => "LambdaFunction",
            Family::Activity => "Activity",
            Family::Service(_) => "Task",
        }
    }

    /// Service integrations that run or wait beyond the call record a TaskSubmitted event.
    pub fn submits(self) -> bool {
        matches!(
            self,
            Family::Service(Pattern::Sync | Pattern::WaitForTaskToken)
        )
    }
}

/// `(resourceType, resource)` as AWS's Task* events name a service integration:
/// `arn:aws:states:::lambda:invoke` is `("lambda", "invoke")`.
pub fn resource_parts(resource: &str) -> (String, String) {
    let rest = resource
        .strip_prefix("arn:aws:states:::")
        .unwrap_or(resource);
    // aws-sdk integrations name the SDK's service too: `aws-sdk:s3` + `listBuckets`.
    let split = match rest.strip_prefix("aws-sdk:") {
        Some(r) => r
            .split_once(':')
            .map(|(svc, a)| (format!("aws-sdk:{svc}"), a)),
        None => rest.split_once(':').map(|(svc, a)| (svc.to_string(), a)),
    };
    match split {
        Some((service, action)) => (service, action.to_string()),
        None => (rest.to_string(), String::new()),
    }
}

/// Evaluates what the task is called with.
pub fn prepare(
    state: &State,
    task: &TaskState,
    scope: &mut Scope,
) -> Result<TaskCall, StatesError> {
    if state.query == QueryLanguage::Jsonata {
        let timeout_seconds = jsonata_seconds(task.timeout.as_ref(), "TimeoutSeconds", scope)?;
        let heartbeat_seconds =
            jsonata_seconds(task.heartbeat.as_ref(), "HeartbeatSeconds", scope)?;
        let parameters = match &task.parameters {
            Some(t) => eval_field(t, scope, "Arguments")?,
            None => scope.input.clone(),
        };
        check_parameters(&task.resource, &parameters)?;
        return Ok(TaskCall {
            parameters,
            timeout_seconds,
            heartbeat_seconds,
        });
    }
    let effective = super::effective_input(state, scope.input, scope.context)?;
    let timeout_seconds = seconds(task.timeout.as_ref(), &effective, scope.context)?;
    let heartbeat_seconds = seconds(task.heartbeat.as_ref(), &effective, scope.context)?;
    let parameters = match &task.parameters {
        Some(t) => {
            let mut s = Scope::new(&effective, scope.context, scope.rng);
            eval_template(t, &mut s).map_err(|e| {
                if e.error == names::RUNTIME
                    && e.cause
                        .as_deref()
                        .is_some_and(|c| c.starts_with("The JSONPath"))
                {
                    StatesError {
                        error: names::PARAMETER_PATH_FAILURE.into(),
                        cause: e.cause,
                    }
                } else {
                    e
                }
            })?
        }
        None => effective.into_owned(),
    };
    check_parameters(&task.resource, &parameters)?;
    Ok(TaskCall {
        parameters,
        timeout_seconds,
        heartbeat_seconds,
    })
}

/// AWS checks the parameters of its optimised integrations before starting the task; a
/// malformed field is States.Runtime, before any task event.
fn check_parameters(resource: &str, parameters: &Value) -> Result<(), StatesError> {
    let multi_valued = ["Headers", "QueryParameters"];
    if resource.starts_with("arn:aws:states:::apigateway:invoke") {
        for field in multi_valued {
            let ok = match parameters.get(field) {
                None | Some(Value::Null) => true,
                Some(Value::Object(m)) => m
                    .values()
                    .all(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string))),
                Some(_) => false,
            };
            if !ok {
                return Err(StatesError::runtime(format!(
                    "The Parameters '{parameters}' could not be used to start the Task: [The value of the field '{field}' has an invalid format]"
                )));
            }
        }
    }
    Ok(())
}

/// Turns the task's result into the state's output.
pub fn finish(
    state: &State,
    task: &TaskState,
    result: Value,
    scope: &mut Scope,
) -> Result<super::Exit, StatesError> {
    super::apply_result(
        state,
        task.result_selector.as_ref(),
        &task.result_path,
        result,
        scope,
    )
}

/// TimeoutSeconds or HeartbeatSeconds of a JSONata Task: a number, or an expression that
/// must give a positive integer.
fn jsonata_seconds(
    s: Option<&Seconds>,
    field: &str,
    scope: &mut Scope,
) -> Result<Option<u64>, StatesError> {
    match s {
        Some(Seconds::Expr(e)) => {
            let v = crate::data::jsonata::evaluate_field(e, scope, field)?;
            match v.as_u64() {
                Some(n) if (1..=99_999_999).contains(&n) => Ok(Some(n)),
                _ => Err(crate::data::jsonata::wrong_value(
                    e,
                    field,
                    "a positive integer",
                    &v,
                )),
            }
        }
        Some(Seconds::Fixed(n)) => Ok(Some(*n)),
        _ => Ok(None),
    }
}

fn seconds(
    s: Option<&Seconds>,
    effective: &Value,
    context: &crate::data::ContextObject,
) -> Result<Option<u64>, StatesError> {
    match s {
        None => Ok(None),
        Some(Seconds::Fixed(n)) => Ok(Some(*n)),
        Some(Seconds::Expr(_)) => Err(StatesError::runtime(
            "a JSONata expression in a JSONPath Task",
        )),
        Some(Seconds::Path(p)) => {
            let v = crate::data::payload::read_path(p, effective, context)?;
            match v.as_u64() {
                Some(n) if n > 0 => Ok(Some(n)),
                _ => Err(StatesError::runtime(format!(
                    "The value at '{}' must be a positive integer, got {}",
                    p.as_str(),
                    v
                ))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_by_resource_arn() {
        assert_eq!(
            Family::of("arn:aws:lambda:us-east-1:111111111111:function:f"),
            Family::Lambda
        );
        assert_eq!(
            Family::of("arn:aws:states:us-east-1:111111111111:activity:a"),
            Family::Activity
        );
        assert_eq!(
            Family::of("arn:aws:states:::lambda:invoke"),
            Family::Service(Pattern::RequestResponse)
        );
        assert_eq!(
            Family::of("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            Family::Service(Pattern::WaitForTaskToken)
        );
        assert_eq!(
            Family::of("arn:aws:states:::states:startExecution.sync:2"),
            Family::Service(Pattern::Sync)
        );
        assert!(Family::of("arn:aws:states:::ecs:runTask.sync").submits());
        assert!(!Family::Lambda.submits());
    }

    #[test]
    fn api_gateway_headers_must_be_lists_of_strings() {
        let r = "arn:aws:states:::apigateway:invoke";
        assert!(check_parameters(r, &serde_json::json!({"Headers": {"h": ["v"]}})).is_ok());
        let e = check_parameters(r, &serde_json::json!({"Headers": {"h": "v"}})).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert!(e
            .cause
            .unwrap()
            .ends_with("[The value of the field 'Headers' has an invalid format]"));
        assert!(check_parameters(
            "arn:aws:states:::sns:publish",
            &serde_json::json!({"Headers": 1})
        )
        .is_ok());
    }

    #[test]
    fn resource_parts_split_service_and_action() {
        assert_eq!(
            resource_parts("arn:aws:states:::lambda:invoke"),
            ("lambda".to_string(), "invoke".to_string())
        );
        assert_eq!(
            resource_parts("arn:aws:states:::aws-sdk:s3:listBuckets"),
            ("aws-sdk:s3".to_string(), "listBuckets".to_string())
        );
    }
}
