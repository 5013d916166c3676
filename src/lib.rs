#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod api;
pub mod asl;
pub mod bench;
pub mod cli;
pub mod conformance;
pub mod data;
pub(crate) mod interpret;
pub mod metrics;
pub mod objects;
pub mod runtime;
pub mod server;
pub mod store;
pub mod types;
