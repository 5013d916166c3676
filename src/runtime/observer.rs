//! What the runtime tells an observer as it runs (a latency recorder, for `sfn bench`).
//! Without one nothing is timed.

use std::time::Duration;

/// Told of every state and task of every execution, from every arbiter thread.
pub trait Observer: Send + Sync {
    /// A state was entered (a state transition).
    fn state_entered(&self);
    /// A state exited, `took` after it was entered.
    fn state_exited(&self, took: Duration);
    /// A task's handler (or mock) answered, `took` after it was called.
    fn task_answered(&self, took: Duration);
    /// A Map iteration or a Distributed Map's child execution ended, `took` after it
    /// started.
    fn item_done(&self, took: Duration);
    /// Whether states, tasks and items are timed (each costs a clock read); an observer
    /// that only counts executions says no.
    fn times_states(&self) -> bool {
        true
    }
    /// An execution of `state_machine` was started (or redriven, when `redrive`).
    fn execution_started(&self, _state_machine: &str, _redrive: bool) {}
    /// An execution of `state_machine` ended in `status` (`SUCCEEDED`, `FAILED`,
    /// `TIMED_OUT` or `ABORTED`), `took` after its start.
    fn execution_ended(&self, _state_machine: &str, _status: &str, _took: Duration) {}
}
