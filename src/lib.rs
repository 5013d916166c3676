//! sfn-runtime: AWS Step Functions state machines (Amazon States Language) run in memory.

pub mod asl;
pub mod data;
pub mod interpret;
pub mod runtime;
pub mod api;
