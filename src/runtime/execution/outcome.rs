//! How a state ends: its output checked and recorded and the transition followed, or its
//! error retried, caught or passed up; and how a body ends, for the root or a child.

use super::actor::{ExecutionActor, Flow, Role};
use crate::asl::model::{QueryLanguage, State, Transition};
use crate::data::{names, ContextObject, Scope, StatesError};
use crate::interpret::policy::{self, Recovery};
use crate::interpret::Exit;
use crate::runtime::history::{exited_details, io_details, state_exited};
use crate::runtime::messages::ChildFinished;
use crate::types::{ExecutionStatus, HistoryEventType};
use actix::prelude::*;
use serde_json::Value;

impl ExecutionActor {
    /// A state produced its output (or failed doing so): leave it and follow `transition`.
    pub(crate) fn complete(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        exit: Result<Exit, StatesError>,
        transition: Transition,
    ) -> Flow {
        let Exit { output, assigned } = match exit {
            Ok(exit) => exit,
            Err(e) => return self.state_error(ctx, state, e, true),
        };
        if let Err(e) = self.check_size(&output, state) {
            return self.state_error(ctx, state, e, false);
        }
        if let Err(e) = check_assigned(&assigned, state) {
            return self.state_error(ctx, state, e, false);
        }
        self.exited(state, &output, assigned);
        match transition {
            Transition::Next(id) => self.enter(id, output),
            Transition::End => self.end_body(ctx, Ok(output)),
        }
        Flow::Continue
    }

    /// Records the state's Exited event and stores the variables it assigned.
    fn exited(&mut self, state: &State, output: &Value, assigned: crate::interpret::Assigned) {
        if let (Some(o), Some(since)) =
            (&self.exec.observer, self.pos.as_ref().and_then(|p| p.since))
        {
            o.state_exited(since.elapsed());
        }
        // A Fail state ends its body instead of exiting.
        let Some(event) = state_exited(&state.kind) else {
            return;
        };
        let Some(values) = assigned else {
            self.event_text(event, || Some(io_details(&state.name, "output", output)));
            return;
        };
        self.event_text(event, || Some(exited_details(&state.name, output, &values)));
        self.vars.assign(values);
        match (&self.role, self.exec.record.journal()) {
            (Role::Root, Some(j)) => j.variables(self.vars.own()),
            // Published with the next state's position, so that a sibling's failure,
            // which aborts this child, does not lose them.
            (Role::Child { .. }, _) => self.vars_unpublished = true,
            _ => {}
        }
    }

    /// AWS: a state whose output exceeds the payload limit fails with
    /// States.DataLimitExceeded. A value nested deeper than
    /// [`MAX_DEPTH`](crate::data::size::MAX_DEPTH) fails with States.Runtime.
    pub(crate) fn check_size(&self, v: &Value, state: &State) -> Result<(), StatesError> {
        if sized(v, state)? > self.exec.payload_limit {
            return Err(StatesError::new(
                names::DATA_LIMIT_EXCEEDED,
                format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    state.name
                ),
            ));
        }
        Ok(())
    }

    /// A state failed: retry, catch or end the body. Errors the runtime raised itself
    /// (bad paths, bad values) carry AWS's "An error occurred while executing the state"
    /// prefix in their cause.
    pub(crate) fn state_error(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        error: StatesError,
        raised_here: bool,
    ) -> Flow {
        let recovery = self.recovery(state, error, raised_here);
        self.recover(ctx, state, recovery)
    }

    /// Decides how the current state recovers from `error` (counting the retry).
    pub(crate) fn recovery(
        &mut self,
        state: &State,
        mut error: StatesError,
        raised_here: bool,
    ) -> Recovery {
        if raised_here {
            error = self.raised(state, error);
        }
        let pos = self.pos.as_mut().expect("a current state");
        policy::recover(
            state.retry(),
            state.catch(),
            error,
            &mut pos.counters,
            &pos.input,
            &mut self.rng,
        )
    }

    /// An error the runtime raised in the current state: AWS's "An error occurred while
    /// executing the state" before its cause, and an `EvaluationFailed` event for an
    /// expression that failed.
    fn raised(&mut self, state: &State, mut error: StatesError) -> StatesError {
        let entered = self.pos.as_ref().map_or(0, |p| p.entered_id);
        let detail = error.cause.take().unwrap_or_default();
        error.cause = Some(format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
            state.name, entered, detail
        ));
        if error.error == names::QUERY_EVALUATION_ERROR {
            let details = serde_json::json!({
                "error": error.error,
                "cause": error.cause,
                "location": evaluation_location(&detail),
                "state": state.name,
            });
            self.event(HistoryEventType::EvaluationFailed, || Some(details));
        }
        error
    }

    /// A Parallel or Map state that failed before it started its children: an expression
    /// that failed to evaluate fails the state itself too (`MapStateFailed`), as AWS records.
    pub(crate) fn fanout_start_failed(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        failed: HistoryEventType,
        error: StatesError,
    ) -> Flow {
        let query = error.error == names::QUERY_EVALUATION_ERROR;
        let recovery = self.recovery(state, error, true);
        if query && matches!(recovery, Recovery::Fail(_)) {
            self.event(failed, || None);
        }
        self.recover(ctx, state, recovery)
    }

    /// Carries out a recovery: sleep then run the state again, leave it for a Catcher, or
    /// end the body with the error.
    pub(crate) fn recover(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        recovery: Recovery,
    ) -> Flow {
        match recovery {
            Recovery::Retry { delay } => {
                let until = crate::data::time::after_std(self.exec.clock.now(), delay);
                let sleep = self.exec.clock.sleep_until(until);
                // Back in the loop, the same state runs again without a new StateEntered.
                self.suspend(ctx, sleep, |_, _, ()| Flow::Continue)
            }
            Recovery::Catch {
                next,
                output,
                catcher,
                error_output,
            } => {
                let pos = self.pos.as_ref().expect("a current state");
                let context = ContextObject::new(&self.exec.info, &state.name, pos.entered_time)
                    .with_variables(&self.vars);
                let c = &state.catch()[catcher];
                let caught = match state.query {
                    QueryLanguage::JsonPath => crate::interpret::assign(
                        c.assign.as_ref(),
                        &error_output,
                        &context,
                        &mut self.rng,
                    )
                    .map(|assigned| (output, assigned)),
                    QueryLanguage::Jsonata => {
                        let mut scope = Scope::new(&pos.input, &context, &mut self.rng)
                            .with_error_output(&error_output);
                        crate::interpret::jsonata_fields(
                            c.output.as_ref(),
                            c.assign.as_ref(),
                            &mut scope,
                        )
                        .map(|(out, assigned)| (out.unwrap_or(output), assigned))
                    }
                };
                // What the Catcher makes is checked as any state's output and variables
                // are; its own failure fails the state, past every Retrier and Catcher.
                let checked = caught.and_then(|(output, assigned)| {
                    self.check_size(&output, state)?;
                    check_assigned(&assigned, state)?;
                    Ok((output, assigned))
                });
                match checked {
                    Ok((output, assigned)) => {
                        self.exited(state, &output, assigned);
                        self.enter(next, output);
                    }
                    Err(e) => {
                        let e = self.raised(state, e);
                        self.end_body(ctx, Err(e));
                    }
                }
                Flow::Continue
            }
            Recovery::Fail(e) => {
                self.end_body(ctx, Err(e));
                Flow::Continue
            }
        }
    }

    /// The body ended: the root ends the execution, a child reports to its parent.
    pub(crate) fn end_body(&mut self, ctx: &mut Context<Self>, result: Result<Value, StatesError>) {
        if self.finished {
            return;
        }
        match &self.role {
            Role::Root => match result {
                Ok(v) => self.finish(ExecutionStatus::SUCCEEDED, Some(v), None),
                Err(e) => self.finish(ExecutionStatus::FAILED, None, Some(e)),
            },
            Role::Child { .. } => {
                let resume = if result.is_err() {
                    self.resume_point()
                } else {
                    None
                };
                let execution_result = if self.is_child_execution() {
                    self.child_execution_ended(&result)
                } else {
                    None
                };
                let Role::Child {
                    parent,
                    fanout_event,
                    run,
                    index,
                    ..
                } = &self.role
                else {
                    unreachable!("matched above")
                };
                // Journaled here, on the child's core, rather than by the parent, whose
                // core every completion of the fan-out passes through.
                // A Distributed Map's child is an execution of its own: its completion
                // belongs to the parent's journal.
                let owner = match (self.is_child_execution(), &self.exec.parent) {
                    (true, Some(parent)) => parent,
                    _ => &self.exec.record,
                };
                if let (Some(o), Some(since)) = (&self.exec.observer, self.item_since) {
                    o.item_done(since.elapsed());
                }
                if let (Ok(output), Some(j)) = (&result, owner.journal()) {
                    let whole = execution_result
                        .as_deref()
                        .filter(|_| self.exec.detailed_result);
                    j.child_done(*fanout_event, *run, *index, output, whole);
                }
                parent.report(ChildFinished {
                    run: *run,
                    index: *index,
                    outcome: result,
                    resume,
                    result: execution_result,
                });
                self.finished = true;
                ctx.stop();
            }
        }
    }
}

/// The size of a value a state produced, in one walk with its depth: a value nested
/// deeper than [`MAX_DEPTH`](crate::data::size::MAX_DEPTH) levels fails its state (before
/// anything walks it recursively again).
fn sized(v: &Value, state: &State) -> Result<usize, StatesError> {
    use crate::data::size::{size_within, MAX_DEPTH};
    size_within(v, MAX_DEPTH).ok_or_else(|| {
        StatesError::runtime(format!(
            "An error occurred while executing the state '{}': the value it produced is nested more than {MAX_DEPTH} levels deep",
            state.name
        ))
    })
}

/// AWS: the values one Assign gives are at most 256 KiB in all (each variable included).
const ASSIGN_LIMIT: usize = 262_144;

/// The variables a state assigns: within AWS's size limit (States.DataLimitExceeded), and
/// no deeper than a state's output may be.
fn check_assigned(assigned: &crate::interpret::Assigned, state: &State) -> Result<(), StatesError> {
    let Some(values) = assigned else {
        return Ok(());
    };
    let mut total = 0;
    for v in values.values() {
        total += sized(v, state)?;
    }
    if total > ASSIGN_LIMIT {
        return Err(StatesError::new(
            names::DATA_LIMIT_EXCEEDED,
            format!(
                "The state '{}' assigned variables with a size exceeding the maximum number of bytes service limit.",
                state.name
            ),
        ));
    }
    Ok(())
}

/// The field an evaluation error names (`Output/result`), for its `EvaluationFailed` event.
fn evaluation_location(cause: &str) -> Option<&str> {
    const FIELD: &str = "specified for the field '";
    if let Some(at) = cause.find(FIELD) {
        let rest = &cause[at + FIELD.len()..];
        return rest.find('\'').map(|end| &rest[..end]);
    }
    if cause.starts_with("The Timestamp field") {
        return Some("Timestamp");
    }
    if cause.starts_with("Map state input must be an array") {
        return Some("Items");
    }
    None
}
