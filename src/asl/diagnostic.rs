//! Diagnostics in the shape of `ValidateStateMachineDefinition`'s output.

use serde::Serialize;

/// `ERROR` blocks creating the state machine; `WARNING` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, with AWS's diagnostic code and the JSON location of the offending field
/// (`/States/FailState/ErrorPath`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub location: String,
}

/// Diagnostic codes AWS documents for ValidateStateMachineDefinition, plus one of ours for
/// features this runtime parses but does not run yet.
pub mod code {
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    pub const MISSING_DESCRIPTION: &str = "MISSING_DESCRIPTION";
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    pub const INVALID_RESOURCE: &str = "INVALID_RESOURCE";
    pub const MISSING_END_STATE: &str = "MISSING_END_STATE";
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    pub const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
    pub const NO_DOLLAR: &str = "NO_DOLLAR";
    pub const NO_PATH: &str = "NO_PATH";
    pub const PASS_RESULT_IS_STATIC: &str = "PASS_RESULT_IS_STATIC";
    pub const UNSUPPORTED_FEATURE: &str = "UNSUPPORTED_FEATURE";
}

/// The result of validating a definition: `OK` when no diagnostic is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationReport {
    pub result: &'static str,
    pub diagnostics: Vec<Diagnostic>,
}

impl ValidationReport {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        let ok = diagnostics.iter().all(|d| d.severity == Severity::Warning);
        ValidationReport {
            result: if ok { "OK" } else { "FAIL" },
            diagnostics,
        }
    }

    pub fn is_ok(&self) -> bool {
        self.result == "OK"
    }
}
