//! TestState: runs one state, alone or picked by name from a whole definition, and says
//! what it did: its output or error, the state that comes next, and whether a Retrier
//! would retry the error (`RETRIABLE`) or a Catcher catches it (`CAUGHT_ERROR`). With
//! `DEBUG` the data after each stage of the state's processing; with `TRACE` also an HTTP
//! Task's request and response. Instant: nothing waits, nothing is recorded.

mod definition;
mod inspect;
mod run;

use super::error::ApiError;
use super::service::{check_role, StepFunctions};
use super::types::*;
use crate::asl::model::StateKind;
use crate::data::names;
use crate::data::{ExecutionInfo, StatesError, Variables};
use crate::interpret::policy::{self, Recovery, RetryCounters};
use crate::interpret::task::{Family, Pattern};
use crate::runtime::handlers::{TaskFailure, TaskRequest};
use crate::runtime::http_task;
use rand::SeedableRng;
use run::{Outcome, Step, Tester};
use serde_json::Value;
use std::sync::Arc;

fn invalid(m: impl Into<String>) -> ApiError {
    ApiError::ValidationException(m.into())
}

/// A JSON member of the request (`input`, `variables`, `context`, a mocked result).
fn json_member(text: Option<&str>, member: &str, default: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text.unwrap_or(default)).map_err(|e| {
        let m = format!("The {member} is not valid JSON: {e}");
        if member == "input" {
            ApiError::InvalidExecutionInput(m)
        } else {
            invalid(m)
        }
    })
}

/// The mock's answer: its result, or its error.
fn mocked(mock: &MockInput) -> Result<Result<Value, StatesError>, ApiError> {
    match (&mock.result, &mock.error_output) {
        (Some(r), None) => Ok(Ok(json_member(Some(r), "mock result", "")?)),
        (None, Some(e)) => match &e.error {
            Some(error) => Ok(Err(StatesError {
                error: error.clone(),
                cause: e.cause.clone(),
            })),
            None => Err(invalid(
                "1 validation error detected: Value null at 'mock.errorOutput.error' failed to satisfy constraint: Member must not be null",
            )),
        },
        _ => Err(invalid(
            "A mock has either a result or an errorOutput, and not both",
        )),
    }
}

impl StepFunctions {
    /// TestState: runs one state and reports what it did. Library, HTTP and `sfn
    /// test-state` share it.
    pub async fn test_state(&self, req: TestStateInput) -> Result<TestStateOutput, ApiError> {
        let level = req.inspection_level.as_deref().unwrap_or("INFO");
        if !["INFO", "DEBUG", "TRACE"].contains(&level) {
            return Err(invalid(format!(
                "1 validation error detected: Value '{level}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
            )));
        }
        if let Some(role) = &req.role_arn {
            check_role(role)?;
        }
        let (machine, name) = definition::machine(&req.definition, req.state_name.as_deref())?;
        let (body, id) = definition::find(&machine.body, &name)
            .ok_or_else(|| invalid(format!("The state '{name}' is not in the definition")))?;
        let state = body.state(id).clone();
        let input = json_member(req.input.as_deref(), "input", "{}")?;
        let variables = match json_member(req.variables.as_deref(), "variables", "{}")? {
            Value::Object(m) => Variables::from_values(m),
            _ => return Err(invalid("The variables must be a JSON object")),
        };
        let config = req.state_configuration.clone().unwrap_or_default();
        let answer = self.check_mock(&state.kind, req.mock.as_ref())?;
        let info = self.test_execution(&input, req.role_arn.as_deref());
        let document = match req.context.as_deref() {
            None => None,
            Some(text) => {
                Some(self.context_document(text, &info, &state.name, config.retrier_retry_count)?)
            }
        };
        let reader_data = match (&state.kind, &config.map_item_reader_data) {
            (StateKind::Map(_), Some(d)) => Some(reader_items(d)?),
            _ => None,
        };
        let mut tester = Tester {
            body,
            state,
            input,
            info,
            document,
            variables,
            entered: self.service.clock.now(),
            retry_count: config.retrier_retry_count.map(|n| n as u32),
            rng: rand::rngs::SmallRng::seed_from_u64(rand::random()),
            data: InspectionData::default(),
            failed_iterations: config.map_iteration_failure_count,
            reader_data,
        };
        let outcome = match tester.begin() {
            Step::Done(o) => o,
            Step::Work { parameters } => {
                let result = match answer {
                    Some(a) => a,
                    None => self.call(&mut tester, parameters).await,
                };
                tester.end(result)
            }
        };
        let mut out = self.report(
            &mut tester,
            outcome,
            config.retrier_retry_count.unwrap_or(0),
        );
        if level != "INFO" {
            let mut data = std::mem::take(&mut tester.data);
            if level != "TRACE" {
                (data.request, data.response) = (None, None);
            }
            out.inspection_data = Some(data);
        }
        Ok(out)
    }

    /// The mock's answer, checked against the state's type; `None` when the state's own
    /// work is to run. States that need a mock without one are refused, as on AWS.
    fn check_mock(
        &self,
        kind: &StateKind,
        mock: Option<&MockInput>,
    ) -> Result<Option<Result<Value, StatesError>>, ApiError> {
        let needs_work = matches!(
            kind,
            StateKind::Task(_) | StateKind::Map(_) | StateKind::Parallel(_)
        );
        match mock {
            Some(m) if needs_work => {
                if let Some(mode) = &m.field_validation_mode {
                    if !["STRICT", "PRESENT", "NONE"].contains(&mode.as_str()) {
                        return Err(invalid(format!(
                            "1 validation error detected: Value '{mode}' at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]"
                        )));
                    }
                }
                mocked(m).map(Some)
            }
            Some(_) => Err(invalid(format!(
                "State type '{}' is not supported when a mock is specified",
                kind.type_name()
            ))),
            None => match kind {
                StateKind::Map(_) | StateKind::Parallel(_) => Err(invalid(format!(
                    "State type '{}' can only be tested with a mock",
                    kind.type_name()
                ))),
                StateKind::Task(t) => match Family::of(&t.resource) {
                    Family::Activity
                    | Family::Service(Pattern::Sync | Pattern::WaitForTaskToken) => {
                        Err(invalid(format!(
                            "The resource '{}' can only be tested with a mock",
                            t.resource
                        )))
                    }
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
        }
    }

    /// The Task's call, answered by the handler of its resource, or by the HTTP Task with
    /// its request and response kept for TRACE. It runs on the service's runtime (a Lambda
    /// endpoint or an HTTP call needs its threads).
    async fn call(&self, t: &mut Tester, parameters: Value) -> Result<Value, StatesError> {
        let StateKind::Task(task) = &t.state.kind else {
            return Err(StatesError::runtime(
                "Only a Task's work runs without a mock",
            ));
        };
        let stopped = || TaskFailure::new(names::TASK_FAILED, "The service stopped");
        if task.resource == http_task::RESOURCE && !self.service.handlers.has_exact(&task.resource)
        {
            let http = http_task::HttpTask::default();
            let call = async move { http.invoke_async(parameters).await };
            let (result, x) = self
                .service
                .runtime
                .run(call)
                .await
                .unwrap_or_else(|| (Err(stopped()), Default::default()));
            t.data.request = Some(inspect::request(&x));
            t.data.response = x.status.map(|_| inspect::response(&x));
            return result.map_err(StatesError::from);
        }
        let Some(handler) = self.service.handlers.get(&task.resource) else {
            return Err(StatesError::new(
                names::TASK_FAILED,
                format!(
                    "No task handler is registered for resource '{}'",
                    task.resource
                ),
            ));
        };
        let request = TaskRequest {
            resource: task.resource.clone(),
            parameters,
            state_name: t.state.name.clone(),
            execution_arn: t.info.id.to_string(),
            attempt: t.retry_count.unwrap_or(0),
            task_token: None,
            clock: Arc::clone(&self.service.clock),
        };
        let answered = self.service.runtime.run(handler.call(request)).await;
        answered
            .unwrap_or_else(|| Err(stopped()))
            .map_err(StatesError::from)
    }

    /// The answer: SUCCEEDED, or what Retry and Catch make of an error.
    fn report(&self, t: &mut Tester, outcome: Outcome, retries_made: u64) -> TestStateOutput {
        match outcome {
            Outcome::Exit {
                output,
                next,
                assigned,
            } => {
                t.data.variables = t.variables_after(&assigned);
                TestStateOutput {
                    output: Some(output.to_string()),
                    next_state: next,
                    status: "SUCCEEDED".into(),
                    ..Default::default()
                }
            }
            Outcome::Error { error, retriable } => {
                let mut out = TestStateOutput {
                    error: Some(error.error.clone()),
                    cause: error.cause.clone(),
                    status: "FAILED".into(),
                    ..Default::default()
                };
                if !retriable {
                    return out;
                }
                let state = &t.state;
                let retry_index = state
                    .retry()
                    .iter()
                    .position(|r| error.matches_any(&r.error_equals));
                let mut counters = RetryCounters::uniform(retries_made, state.retry().len());
                match policy::recover(
                    state.retry(),
                    state.catch(),
                    error,
                    &mut counters,
                    &t.input,
                    &mut t.rng,
                ) {
                    Recovery::Retry { delay } => {
                        out.status = "RETRIABLE".into();
                        out.next_state = Some(state.name.clone());
                        t.data.error_details = Some(InspectionErrorDetails {
                            retry_index: retry_index.map(|i| i as u64),
                            retry_backoff_interval_seconds: Some(delay.as_secs()),
                            ..Default::default()
                        });
                    }
                    Recovery::Catch {
                        next,
                        output,
                        catcher,
                        error_output,
                    } => {
                        let (variables, output) = match t.caught(catcher, &error_output, output) {
                            Ok(caught) => caught,
                            // The Catcher's own Output or Assign failed: so does the state.
                            Err(e) => {
                                out.error = Some(e.error);
                                out.cause = e.cause;
                                return out;
                            }
                        };
                        t.data.variables = variables;
                        out.status = "CAUGHT_ERROR".into();
                        out.next_state = Some(t.body.state(next).name.clone());
                        out.output = Some(output.to_string());
                        t.data.error_details = Some(InspectionErrorDetails {
                            catch_index: Some(catcher as u64),
                            ..Default::default()
                        });
                    }
                    Recovery::Fail(_) => {}
                }
                out
            }
        }
    }

    /// The facts of the execution the tested state pretends to run in.
    fn test_execution(&self, input: &Value, role: Option<&str>) -> ExecutionInfo {
        let (region, account) = (&self.service.region, &self.service.account);
        ExecutionInfo {
            id: format!("arn:aws:states:{region}:{account}:execution:TestStateMachine:test").into(),
            name: "test".into(),
            input: Arc::new(input.clone()),
            role_arn: role.unwrap_or_default().into(),
            start_time: self.service.clock.now(),
            redrive_count: 0,
            state_machine_id: format!(
                "arn:aws:states:{region}:{account}:stateMachine:TestStateMachine"
            )
            .into(),
            state_machine_name: "TestStateMachine".into(),
        }
    }

    /// The context object: the default one with `text`'s members laid over it.
    fn context_document(
        &self,
        text: &str,
        info: &ExecutionInfo,
        state: &str,
        retry_count: Option<u64>,
    ) -> Result<Value, ApiError> {
        let Value::Object(given) = json_member(Some(text), "context", "{}")? else {
            return Err(invalid("The context must be a JSON object"));
        };
        let mut base = crate::data::ContextObject::new(info, state, self.service.clock.now());
        base.retry_count = retry_count.map(|n| n as u32);
        let mut doc = base.value().clone();
        merge(&mut doc, Value::Object(given));
        Ok(doc)
    }
}

/// Lays `over` onto `base`, object members by member.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o,
    }
}

/// What a Distributed Map's ItemReader would read: a JSON array, or JSON Lines.
fn reader_items(data: &str) -> Result<Value, ApiError> {
    if let Ok(v @ Value::Array(_)) = serde_json::from_str::<Value>(data) {
        return Ok(v);
    }
    let items: Result<Vec<Value>, _> = data
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect();
    items.map(Value::Array).map_err(|e| {
        invalid(format!(
            "The mapItemReaderData is neither a JSON array nor JSON Lines: {e}"
        ))
    })
}
