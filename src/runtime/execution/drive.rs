//! The state loop: states that need no waiting (Pass, Choice, Succeed, Fail) run one after
//! another inside one actor turn; only tasks, sleeps and fan-outs suspend the actor, so a
//! chain of Pass states costs no message round-trips. A panic in a state's work fails
//! that body instead of the arbiter's thread.

use super::actor::{ExecutionActor, Flow};
use crate::asl::model::{State, StateKind, Transition};
use crate::data::{ContextObject, Scope, StatesError};
use crate::interpret::{choice, fail, pass, succeed, wait, Exit};
use actix::prelude::*;
use futures::future::BoxFuture;
use std::sync::Arc;

impl ExecutionActor {
    /// Runs states until one must wait or the body ends.
    pub(crate) fn drive(&mut self, ctx: &mut Context<Self>) {
        while !self.finished {
            if self.aborted() {
                self.halt(ctx);
                self.finished = true;
                break;
            }
            if self.exec.keep_history
                && self.last_event.saturating_add(2) >= self.exec.history_limit as u64
            {
                // AWS: an execution whose history reaches its limit fails; room is kept
                // for the events that say so.
                let limit = self.exec.history_limit;
                self.fail_now(
                    ctx,
                    StatesError::runtime(format!(
                        "The execution reached the maximum number of history events ({limit})"
                    )),
                );
                break;
            }
            let Some(pos) = &self.pos else { return };
            let body = Arc::clone(&self.body);
            let state = body.state(pos.state);
            if let Flow::Suspended = self.guarded(ctx, |act, ctx| act.step(state, ctx)) {
                return;
            }
        }
        ctx.stop();
    }

    /// Runs `work` (an actor callback) as [`Self::guarded`] does: a panic in it fails this
    /// body and stops the actor, and leaves the arbiter running.
    pub(crate) fn contained(
        &mut self,
        ctx: &mut Context<Self>,
        work: impl FnOnce(&mut Self, &mut Context<Self>),
    ) {
        let flow = self.guarded(ctx, |act, ctx| {
            work(act, ctx);
            Flow::Suspended
        });
        if let Flow::Continue = flow {
            ctx.stop();
        }
    }

    /// Runs one piece of a state's work. A panic in it (a defect of the runtime, or an
    /// input nothing foresaw) fails this body with `States.Runtime` naming the state,
    /// instead of unwinding through the arbiter's thread and taking down every execution
    /// that runs on it.
    pub(crate) fn guarded(
        &mut self,
        ctx: &mut Context<Self>,
        work: impl FnOnce(&mut Self, &mut Context<Self>) -> Flow,
    ) -> Flow {
        let panic = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(self, ctx)))
        {
            Ok(flow) => return flow,
            Err(panic) => panic,
        };
        let what = panic_text(&*panic);
        let name = self
            .pos
            .as_ref()
            .map(|p| self.body.state(p.state).name.clone())
            .unwrap_or_default();
        self.fail_now(
            ctx,
            StatesError::runtime(format!(
                "An error occurred while executing the state '{name}': the runtime failed: {what}"
            )),
        );
        Flow::Continue
    }

    /// Ends this body with `error` at once, whatever is in flight (no Retry or Catch: the
    /// errors that come here are not for them).
    fn fail_now(&mut self, ctx: &mut Context<Self>, error: StatesError) {
        self.halt(ctx);
        self.end_body(ctx, Err(error));
        self.finished = true;
    }

    fn step(&mut self, state: &State, ctx: &mut Context<Self>) -> Flow {
        if let StateKind::Task(t) = &state.kind {
            return self.start_task(ctx, state, t);
        }
        if let StateKind::Parallel(p) = &state.kind {
            return self.start_parallel(ctx, state, p);
        }
        if let StateKind::Map(m) = &state.kind {
            return self.start_map(ctx, state, m);
        }
        // The states left cannot Catch, so their input is not needed once they ran: move
        // it instead of copying it.
        let raw = std::mem::take(&mut self.pos.as_mut().expect("a current state").input);
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.exec.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        match &state.kind {
            StateKind::Pass(p) => {
                let r = pass::run(state, p, raw, &context, &mut self.rng);
                self.complete(ctx, state, r, p.transition)
            }
            StateKind::Choice(c) => match choice::run(state, c, raw, &context, &mut self.rng) {
                Ok((next, exit)) => self.complete(ctx, state, Ok(exit), Transition::Next(next)),
                Err(e) => self.state_error(ctx, state, e, true),
            },
            StateKind::Succeed => {
                let r = succeed::run(state, raw, &context, &mut self.rng).map(Exit::plain);
                self.complete(ctx, state, r, Transition::End)
            }
            StateKind::Fail(f) => {
                let mut scope = Scope::new(&raw, &context, &mut self.rng);
                match fail::run(f, &mut scope) {
                    Ok(e) => {
                        self.end_body(ctx, Err(e));
                        Flow::Continue
                    }
                    Err(e) => self.state_error(ctx, state, e, true),
                }
            }
            StateKind::Wait(w) => {
                let now = self.exec.clock.now();
                match wait::plan(state, w, raw, &context, now, &mut self.rng) {
                    Ok(plan) => {
                        let transition = w.transition;
                        let sleep = self.exec.clock.sleep_until(plan.until);
                        self.suspend(ctx, sleep, move |act, ctx, ()| {
                            let body = Arc::clone(&act.body);
                            let state = body.state(act.pos.as_ref().expect("waiting").state);
                            act.complete(ctx, state, Ok(plan.exit), transition)
                        })
                    }
                    Err(e) => self.state_error(ctx, state, e, true),
                }
            }
            StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_) => {
                unreachable!("handled above")
            }
        }
    }

    /// Waits for `fut` as an actor future, then continues with `then` and the loop.
    pub(crate) fn suspend<T: 'static>(
        &mut self,
        ctx: &mut Context<Self>,
        fut: BoxFuture<'static, T>,
        then: impl FnOnce(&mut Self, &mut Context<Self>, T) -> Flow + 'static,
    ) -> Flow {
        let handle = ctx.spawn(fut.into_actor(self).map(move |v, act, ctx| {
            act.pending = None;
            if act.finished {
                return;
            }
            if let Flow::Continue = act.guarded(ctx, |act, ctx| then(act, ctx, v)) {
                act.drive(ctx);
            }
        }));
        self.pending = Some(handle);
        Flow::Suspended
    }
}

/// What a panic said, if it said it in text.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}
