//! Diagnostics in the shape of `ValidateStateMachineDefinition`'s output.

use serde::Serialize;

/// `ERROR` blocks creating the state machine; `WARNING` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// The definition is invalid: AWS would not create or update the state machine.
    Error,
    /// A likely mistake that does not stop the state machine from being created.
    Warning,
}

/// One finding, with AWS's diagnostic code and the JSON location of the offending field
/// (`/States/FailState/ErrorPath`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Whether the finding blocks creating the state machine.
    pub severity: Severity,
    /// The finding's code, one of the constants in [`code`].
    pub code: &'static str,
    /// What is wrong, in words meant for a person.
    pub message: String,
    /// Where the offending field is, as a slash-separated path from the definition's root
    /// (`/States/A/Next`); empty for the definition as a whole.
    pub location: String,
}

/// Diagnostic codes AWS documents for ValidateStateMachineDefinition.
pub mod code {
    /// Error: the definition is not well-formed JSON.
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    /// Error: the definition is empty or only whitespace.
    pub const MISSING_DESCRIPTION: &str = "MISSING_DESCRIPTION";
    /// Error: an ASL rule is broken, e.g. a required field is missing, a field is unknown or
    /// of the wrong type, or a state cannot be reached.
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    /// Error: a Task's `Resource` is not an ARN.
    pub const INVALID_RESOURCE: &str = "INVALID_RESOURCE";
    /// Error: no state of a body can end it (none has `End`, or is a Succeed or Fail state).
    pub const MISSING_END_STATE: &str = "MISSING_END_STATE";
    /// Error: two states share a name (AWS's code; this parser never reports it).
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    /// Error: a state name breaks AWS's naming rule (checked here: 1 to 80 characters).
    pub const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
    /// Warning: a key without the `.$` suffix has a path or an intrinsic call as its value,
    /// so it stays a plain string (AWS's code; this parser never reports it).
    pub const NO_DOLLAR: &str = "NO_DOLLAR";
    /// Warning: a field whose name lacks the `Path` suffix holds what looks like a path, so
    /// it is taken literally (AWS's code; this parser never reports it).
    pub const NO_PATH: &str = "NO_PATH";
    /// Warning: a Pass state's `Result` has `.$` keys, which are never evaluated.
    pub const PASS_RESULT_IS_STATIC: &str = "PASS_RESULT_IS_STATIC";
    /// Error: a `{% ... %}` string does not parse as JSONata.
    pub const INVALID_JSONATA_EXPRESSION: &str = "INVALID_JSONATA_EXPRESSION";
    /// Error: a JSONata expression parses but reads what Step Functions does not offer
    /// (`$$`, a bare field name at the top level, `$states.errorOutput` outside a Catcher).
    pub const UNSUPPORTED_JSONATA_EXPRESSION: &str = "UNSUPPORTED_JSONATA_EXPRESSION";
}

/// The result of validating a definition: `OK` when no diagnostic is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationReport {
    /// `OK` when no diagnostic is an error, otherwise `FAIL`.
    pub result: &'static str,
    /// Every finding, errors and warnings alike, in the order they were made.
    pub diagnostics: Vec<Diagnostic>,
}

impl ValidationReport {
    /// Builds the report, deriving `result` from the severities.
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        let ok = diagnostics.iter().all(|d| d.severity == Severity::Warning);
        ValidationReport {
            result: if ok { "OK" } else { "FAIL" },
            diagnostics,
        }
    }

    /// True when no diagnostic is an error, so the definition would be accepted.
    pub fn is_ok(&self) -> bool {
        self.result == "OK"
    }
}
