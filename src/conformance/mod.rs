//! The conformance judge: loads the cases recorded against AWS, runs them on this runtime,
//! and says how far each passes. `sfn conformance` reports on it, and the test suite holds
//! the list of cases that must keep passing.

mod case;
mod judge;
mod run;

pub use case::{load_cases, Case};
pub use judge::{judge, matches, Verdict};
pub use run::{run_cases, Observed};
