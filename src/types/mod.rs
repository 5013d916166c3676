//! Layer 0, the vocabulary every layer shares: ARNs and names, the statuses of executions
//! and Map Runs, history events and their types, where an execution resumes, and the data of
//! a Map Run. No logic beyond parsing and display.
//!
//! Imports nothing of the crate.

pub mod arn;
pub mod execution;
pub mod history;
pub mod map_run;
pub mod resume;
pub mod status;

pub use arn::{ActivityArn, ArnError, ExecutionArn, MapRunArn, Name, Qualifier, StateMachineArn};
pub use execution::{ExecutionProgress, ExecutionSummary};
pub use history::{HistoryEvent, HistoryEventType, UnknownEventType};
pub use map_run::{ChildEnd, MapRunConfig, MapRunCounts, MapRunProgress};
pub use resume::{ChildResult, ChildResume, RecoveredFanOut, ResumePoint, StateId};
pub use status::{ExecutionStatus, MapRunStatus, StateMachineType};
