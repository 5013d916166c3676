//! The fields where the two query languages part: a JSONPath state's Parameters,
//! ResultSelector and ResultPath against a JSONata state's Arguments, and the JSONata forms
//! of Wait and Fail.

use super::ctx::Ctx;
use super::fields::Fields;
use crate::asl::jsonata::expression_text;
use crate::asl::model::{QueryLanguage, ResultPath, TextSource, WaitFor};
use crate::asl::template::Template;

impl Ctx {
    /// `(Parameters or Arguments, ResultSelector, ResultPath)` of a Task or Parallel state.
    pub(super) fn result_fields(
        &mut self,
        f: &Fields,
    ) -> (Option<Template>, Option<Template>, ResultPath) {
        match self.query {
            QueryLanguage::JsonPath => (
                f.template(self, "Parameters"),
                f.template(self, "ResultSelector"),
                f.result_path(self),
            ),
            QueryLanguage::Jsonata => (f.template(self, "Arguments"), None, ResultPath::whole()),
        }
    }

    /// A JSONata Wait whose one field is an expression. `Some(None)` leaves literals (and
    /// a wrong set of fields) to the checks both languages share; `None`: the expression
    /// was refused.
    pub(super) fn wait_expression(&mut self, f: &Fields) -> Option<Option<WaitFor>> {
        let (key, seconds) = match (f.has("Seconds"), f.has("Timestamp")) {
            (true, false) => ("Seconds", true),
            (false, true) => ("Timestamp", false),
            _ => return Some(None),
        };
        let Ok(e) = f.expression(self, key)? else {
            return Some(None);
        };
        Some(Some(if seconds {
            WaitFor::SecondsExpr(e)
        } else {
            WaitFor::TimestampExpr(e)
        }))
    }

    /// A JSONata Fail's `Error` or `Cause`: a string, or an expression giving one.
    pub(super) fn text_expression(&mut self, f: &Fields, key: &str) -> Option<Option<TextSource>> {
        match f.get(key) {
            None => Some(None),
            Some(v) if v.as_str().and_then(expression_text).is_some() => f
                .expression(self, key)?
                .ok()
                .map(|e| Some(TextSource::Expr(e))),
            Some(_) => Some(f.opt_string(self, key).map(TextSource::Literal)),
        }
    }
}
