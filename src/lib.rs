//! sfn-runtime: AWS Step Functions state machines (Amazon States Language) run in memory.

pub mod api;
pub mod asl;
pub mod cli;
pub mod data;
pub mod interpret;
pub mod runtime;
