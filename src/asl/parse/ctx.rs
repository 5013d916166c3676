//! Where diagnostics are collected while a definition is parsed.

use crate::asl::diagnostic::{code, Diagnostic, Severity};
use crate::asl::jsonata::Expression;
use crate::asl::model::QueryLanguage;
use crate::asl::template::Template;

/// Collects diagnostics while parsing.
#[derive(Default)]
pub(crate) struct Ctx {
    pub(crate) diags: Vec<Diagnostic>,
    /// The definition's `QueryLanguage`: the default of every state.
    pub(crate) machine_query: QueryLanguage,
    /// The query language of the state being parsed.
    pub(crate) query: QueryLanguage,
    /// True while a Catcher is parsed: only there is `$states.errorOutput` defined.
    pub(crate) in_catcher: bool,
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

    /// The checks AWS makes of an expression's place: `$states.errorOutput` exists only in
    /// a Catcher.
    pub(crate) fn check_expression(&mut self, e: &Expression, location: &str) {
        if !self.in_catcher && e.states().names_error_output {
            self.error(
                code::UNSUPPORTED_JSONATA_EXPRESSION,
                location,
                "Field '$states.errorOutput' does not exist.".into(),
            );
        }
    }

    /// [`Ctx::check_expression`] for every expression of a template.
    pub(crate) fn check_expressions(&mut self, t: &Template, location: &str) {
        for e in t.expressions() {
            self.check_expression(e, location);
        }
    }

    pub(super) fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }
}
