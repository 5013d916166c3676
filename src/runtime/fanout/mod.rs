//! Parallel and Map states as child actors. The parent keeps a compact per-index
//! [`ResultTable`]; at most `limit` children are alive at once, each materialised only when
//! a slot frees up, and each reports `ChildFinished { index, outcome }` and stops.
//!
//! What is special to a Distributed Map (its Map Run, tolerated failures, result files) is
//! in the `distributed` module; this one only runs children and collects their results.

mod children;
pub(crate) mod completions;
mod start;
pub mod table;
pub(crate) mod window;

pub use table::{ChildStatus, ResultTable};
pub use window::{FanOut, Kind};
