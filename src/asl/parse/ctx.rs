//! Where diagnostics are collected while a definition is parsed.

use crate::asl::diagnostic::{code, Diagnostic, Severity};

/// Collects diagnostics while parsing.
#[derive(Default)]
pub(crate) struct Ctx {
    pub(crate) diags: Vec<Diagnostic>,
}

impl Ctx {
    pub(crate) fn error(&mut self, code: &'static str, location: &str, message: String) {
        self.diags.push(Diagnostic {
            severity: Severity::Error,
            code,
            message,
            location: location.to_string(),
        });
    }

    pub(crate) fn warning(&mut self, code: &'static str, location: &str, message: String) {
        self.diags.push(Diagnostic {
            severity: Severity::Warning,
            code,
            message,
            location: location.to_string(),
        });
    }

    /// A schema error: wrong type, missing or unknown field, out of range.
    pub(crate) fn schema(&mut self, location: &str, message: String) {
        self.error(code::SCHEMA_VALIDATION_FAILED, location, message);
    }

    pub(super) fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }
}
