//! One state's step for TestState, recording the data after each stage of its processing
//! (InputPath, Parameters, the result, ResultSelector, ResultPath) as it goes. A Task's
//! call, a Map's or Parallel's work is what the caller answers (a mock or the integration)
//! between [`Tester::begin`] and [`Tester::end`].

use super::definition::next_of;
use crate::api::types::InspectionData;
use crate::asl::model::{Body, QueryLanguage, ResultPath, State, StateKind};
use crate::asl::template::Template;
use crate::data::payload::{apply_result_path, eval_template, read_path};
use crate::data::{names, ContextObject, ExecutionInfo, Scope, StatesError, Variables};
use crate::interpret::{self, Assigned};
use rand::rngs::SmallRng;
use serde_json::{Map, Value};
use std::sync::Arc;

/// How the tested state ended its step.
pub(super) enum Outcome {
    /// It completed with this output, going to `next`.
    Exit {
        output: Value,
        next: Option<String>,
        assigned: Assigned,
    },
    /// It failed with this error (`retriable`: Retry and Catch apply).
    Error { error: StatesError, retriable: bool },
}

/// What the state needs from outside before it can finish.
pub(super) enum Step {
    /// Nothing: it finished.
    Done(Outcome),
    /// The result of its work: the Task called with `parameters`, or the Map's or
    /// Parallel's branches.
    Work { parameters: Value },
}

/// Runs one state of `body` on `input`, keeping what each stage made.
pub(super) struct Tester {
    pub(super) body: Arc<Body>,
    pub(super) state: State,
    pub(super) input: Value,
    pub(super) info: ExecutionInfo,
    pub(super) document: Option<Value>,
    pub(super) variables: Variables,
    pub(super) entered: chrono::DateTime<chrono::Utc>,
    pub(super) retry_count: Option<u32>,
    pub(super) rng: SmallRng,
    pub(super) data: InspectionData,
    /// A Map's failed iterations (TestState's `mapIterationFailureCount`).
    pub(super) failed_iterations: Option<u64>,
    /// What a Distributed Map's ItemReader reads, instead of its source.
    pub(super) reader_data: Option<Value>,
}

fn text(v: &Value) -> Option<String> {
    Some(v.to_string())
}

fn failed(error: StatesError) -> Step {
    Step::Done(Outcome::Error {
        error,
        retriable: true,
    })
}

impl Tester {
    fn context(&self) -> ContextObject<'_> {
        let mut c = ContextObject::new(&self.info, &self.state.name, self.entered)
            .with_variables(&self.variables);
        c.retry_count = self.retry_count;
        match &self.document {
            Some(doc) => c.with_document(doc.clone()),
            None => c,
        }
    }

    /// Runs `step` with the inspection data and random source lent out, so that it can
    /// write them while the context object borrows the rest of the tester.
    fn lent<T>(&mut self, step: impl FnOnce(&Self, &mut InspectionData, &mut SmallRng) -> T) -> T {
        let mut data = std::mem::take(&mut self.data);
        let mut rng = self.rng.clone();
        let out = step(self, &mut data, &mut rng);
        self.data = data;
        self.rng = rng;
        out
    }

    /// The state's step up to the work it needs, or to its end.
    pub(super) fn begin(&mut self) -> Step {
        self.data.input = text(&self.input);
        match self.lent(Self::prepare) {
            Ok(step) => step,
            Err(e) => failed(e),
        }
    }

    fn prepare(&self, data: &mut InspectionData, rng: &mut SmallRng) -> Result<Step, StatesError> {
        let state = &self.state;
        let raw = self.input.clone();
        let ctx_owned = self.context();
        let ctx = &ctx_owned;
        let effective = interpret::effective_input(state, &raw, ctx)?.into_owned();
        let jsonata = state.query == QueryLanguage::Jsonata;
        if !jsonata {
            data.after_input_path = text(&effective);
        }
        let parameters = |t: Option<&Template>, rng: &mut SmallRng| -> Result<Value, StatesError> {
            match t {
                Some(t) => eval_template(t, &mut Scope::new(&effective, ctx, rng)),
                None => Ok(effective.clone()),
            }
        };
        let step = match &state.kind {
            StateKind::Pass(p) if jsonata => {
                let exit = interpret::pass::run(state, p, raw, ctx, rng)?;
                Step::Done(Outcome::Exit {
                    output: exit.output,
                    next: next_of(&self.body, &state.kind),
                    assigned: exit.assigned,
                })
            }
            StateKind::Pass(p) => {
                let after = parameters(p.parameters.as_ref(), rng)?;
                data.after_parameters = text(&after);
                let result = p.result.clone().unwrap_or(after);
                data.result = text(&result);
                let assigned = interpret::assign(state.assign.as_ref(), &result, ctx, rng)?;
                let combined = apply_result_path(raw, result, &p.result_path)?;
                data.after_result_path = text(&combined);
                Step::Done(Outcome::Exit {
                    output: interpret::state_output(state, combined, ctx)?,
                    next: next_of(&self.body, &state.kind),
                    assigned,
                })
            }
            StateKind::Task(t) => {
                let call = interpret::task::prepare(state, t, &mut Scope::new(&raw, ctx, rng))?;
                set_after_arguments(data, jsonata, &call.parameters);
                Step::Work {
                    parameters: call.parameters,
                }
            }
            StateKind::Parallel(p) => {
                let after =
                    interpret::parallel::branch_input(state, p, &mut Scope::new(&raw, ctx, rng))?;
                set_after_arguments(data, jsonata, &after);
                Step::Work { parameters: after }
            }
            StateKind::Map(m) => {
                let settings = interpret::map::settings(state, m, &mut Scope::new(&raw, ctx, rng))?;
                let items = match (&m.item_reader, &self.reader_data) {
                    (Some(_), Some(data)) => data.clone(),
                    _ if jsonata => {
                        let mut s = Scope::new(&raw, ctx, rng);
                        match interpret::map::source(state, m, &settings, &mut s)? {
                            interpret::map::ItemsSource::Items(items) => Value::Array(items),
                            interpret::map::ItemsSource::Reader(_) => Value::Array(Vec::new()),
                        }
                    }
                    _ if m.items_path.is_root() => effective.clone(),
                    _ => read_path(&m.items_path, &effective, ctx)?,
                };
                if !jsonata {
                    data.after_items_path = text(&items);
                }
                let Value::Array(items) = items else {
                    return Err(StatesError::runtime(format!(
                        "Map state input must be an array but was: {items}"
                    )));
                };
                let mut selected = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let mut s = Scope::new(&effective, ctx, rng);
                    selected.push(interpret::map::select_item(
                        m, &effective, &mut s, i as u64, item,
                    )?);
                }
                let total = selected.len();
                if m.item_selector.is_some() {
                    data.after_item_selector = text(&Value::Array(selected));
                }
                data.max_concurrency = Some(settings.max_concurrency as u64);
                data.tolerated_failure_count = settings.tolerated_failure_count;
                data.tolerated_failure_percentage = settings.tolerated_failure_percentage;
                if let Some(n) = self.failed_iterations.filter(|n| *n > 0) {
                    if !tolerated(n, total as u64, &settings) {
                        return Err(StatesError::new(
                            names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                            "The specified tolerated failure threshold was exceeded",
                        ));
                    }
                }
                Step::Work {
                    parameters: Value::Null,
                }
            }
            StateKind::Choice(c) => {
                let (next, exit) = interpret::choice::run(state, c, raw, ctx, rng)?;
                Step::Done(Outcome::Exit {
                    output: exit.output,
                    next: Some(self.body.state(next).name.clone()),
                    assigned: exit.assigned,
                })
            }
            StateKind::Wait(w) => {
                // The wait itself is not waited: TestState answers at once.
                let plan = interpret::wait::plan(state, w, raw, ctx, self.entered, rng)?;
                Step::Done(Outcome::Exit {
                    output: plan.exit.output,
                    next: next_of(&self.body, &state.kind),
                    assigned: plan.exit.assigned,
                })
            }
            StateKind::Succeed => Step::Done(Outcome::Exit {
                output: interpret::succeed::run(state, raw, ctx, rng)?,
                next: None,
                assigned: None,
            }),
            StateKind::Fail(f) => {
                let error = interpret::fail::run(f, &mut Scope::new(&raw, ctx, rng))?;
                Step::Done(Outcome::Error {
                    error,
                    retriable: false,
                })
            }
        };
        Ok(step)
    }

    /// The state's end once its work answered `result`.
    pub(super) fn end(&mut self, result: Result<Value, StatesError>) -> Outcome {
        let result = match result {
            Ok(r) => r,
            Err(error) => {
                return Outcome::Error {
                    error,
                    retriable: true,
                }
            }
        };
        self.data.result = text(&result);
        self.lent(|t, data, rng| t.finish(result, data, rng))
            .unwrap_or_else(|error| Outcome::Error {
                error,
                retriable: true,
            })
    }

    fn finish(
        &self,
        result: Value,
        data: &mut InspectionData,
        rng: &mut SmallRng,
    ) -> Result<Outcome, StatesError> {
        let state = &self.state;
        if state.query == QueryLanguage::Jsonata {
            let ctx = self.context();
            let mut scope = Scope::new(&self.input, &ctx, rng);
            let root = ResultPath::whole();
            let exit = interpret::apply_result(state, None, &root, result, &mut scope)?;
            return Ok(Outcome::Exit {
                output: exit.output,
                next: next_of(&self.body, &state.kind),
                assigned: exit.assigned,
            });
        }
        let (selector, result_path) = match &state.kind {
            StateKind::Task(t) => (t.result_selector.as_ref(), &t.result_path),
            StateKind::Parallel(p) => (p.result_selector.as_ref(), &p.result_path),
            StateKind::Map(m) => (m.result_selector.as_ref(), &m.result_path),
            _ => (None, &ResultPath::Discard),
        };
        let ctx_owned = self.context();
        let ctx = &ctx_owned;
        let selected = match selector {
            Some(t) => {
                let v = eval_template(t, &mut Scope::new(&result, ctx, rng))?;
                data.after_result_selector = text(&v);
                v
            }
            None => result,
        };
        let assigned = interpret::assign(state.assign.as_ref(), &selected, ctx, rng)?;
        let combined = apply_result_path(self.input.clone(), selected, result_path)?;
        data.after_result_path = text(&combined);
        let output = interpret::state_output(state, combined, ctx)?;
        Ok(Outcome::Exit {
            output,
            next: next_of(&self.body, &state.kind),
            assigned,
        })
    }

    /// A Catcher handled the error: the variables after its Assign, and the state's output
    /// (in JSONata, the Catcher's `Output` when it has one); an error when those fail.
    pub(super) fn caught(
        &self,
        catcher: usize,
        error_output: &Value,
        output: Value,
    ) -> Result<(Option<String>, Value), StatesError> {
        let Some(c) = self.state.catch().get(catcher) else {
            return Ok((self.variables_after(&None), output));
        };
        let ctx = self.context();
        let mut rng = self.rng.clone();
        if self.state.query == QueryLanguage::Jsonata {
            let mut scope = Scope::new(&self.input, &ctx, &mut rng).with_error_output(error_output);
            let (out, assigned) =
                interpret::jsonata_fields(c.output.as_ref(), c.assign.as_ref(), &mut scope)?;
            return Ok((self.variables_after(&assigned), out.unwrap_or(output)));
        }
        let assigned = interpret::assign(c.assign.as_ref(), error_output, &ctx, &mut rng)?;
        Ok((self.variables_after(&assigned), output))
    }

    /// The variables after the state's Assign, as the state's successor reads them.
    pub(super) fn variables_after(&self, assigned: &Assigned) -> Option<String> {
        let mut all = Map::new();
        for (k, v) in self.variables.own() {
            all.insert(k.clone(), v.clone());
        }
        if let Some(a) = assigned {
            all.extend(a.clone());
        }
        (!all.is_empty()).then(|| Value::Object(all).to_string())
    }
}

/// Whether `failed` of `total` iterations stay within the Map's tolerances (none: any
/// failure fails the Map).
fn tolerated(failed: u64, total: u64, settings: &interpret::map::MapSettings) -> bool {
    let by_count = settings
        .tolerated_failure_count
        .is_some_and(|c| failed <= c);
    let by_percentage = settings
        .tolerated_failure_percentage
        .is_some_and(|p| total > 0 && (failed as f64) * 100.0 / (total as f64) <= p);
    by_count || by_percentage
}

/// What the resource or the branches receive: `afterArguments` in JSONata,
/// `afterParameters` in JSONPath.
fn set_after_arguments(data: &mut InspectionData, jsonata: bool, v: &Value) {
    if jsonata {
        data.after_arguments = text(v);
    } else {
        data.after_parameters = text(v);
    }
}
