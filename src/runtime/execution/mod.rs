//! One execution's actors: the root runs the execution's top-level body, and each Parallel
//! branch, Map iteration and Distributed Map child execution is a child actor of the same
//! type.

mod activity_call;
mod actor;
mod drive;
pub(crate) mod env;
mod lifecycle;
mod outcome;
mod parked;
mod spec;
mod task_call;

pub use actor::ExecutionActor;
pub(crate) use actor::{Flow, PendingChild, Role};
pub use env::Execution;
pub use spec::{ExecutionSpec, SharedEnvironment};
