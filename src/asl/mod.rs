//! Layer 1, the definition model: Amazon States Language parsed into typed data, with the
//! static checks of `ValidateStateMachineDefinition`. Pure: no IO, imports nothing above it.
//!
//! The syntax of everything a definition embeds (JSONPath, intrinsic calls, payload
//! templates, timestamps) is parsed here too, once, so a definition that parses never fails
//! later for a syntax reason.

pub mod diagnostic;
pub mod intrinsic;
pub mod jsonata;
pub mod model;
mod parse;
pub mod path;
pub mod template;
pub mod timestamp;

pub use diagnostic::{Diagnostic, Severity, ValidationReport};
pub use model::*;
pub use parse::{parse_definition, parse_value, validate};
