//! `Retry` and `Catch` arrays, with AWS's rules: non-empty ErrorEquals, `States.ALL` alone in
//! its ErrorEquals and in the last element, and the documented field ranges.

use super::ctx::Ctx;
use super::fields::Fields;
use crate::asl::model::{Catcher, Jitter, QueryLanguage, ResultPath, Retrier, StateId};
use serde_json::Value;
use std::collections::HashMap;

impl Ctx {
    pub(crate) fn retriers(&mut self, f: &Fields) -> Option<Vec<Retrier>> {
        let items = self.policy_array(f, "Retry")?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, v) in items.iter().enumerate() {
            let loc = format!("{}/{i}", f.at("Retry"));
            let Some(obj) = v.as_object() else {
                self.schema(&loc, "A Retrier must be an object".into());
                ok = false;
                continue;
            };
            let mut r = Fields::new(obj, &loc);
            r.allow(&[
                "ErrorEquals",
                "IntervalSeconds",
                "MaxAttempts",
                "BackoffRate",
                "MaxDelaySeconds",
                "JitterStrategy",
                "Comment",
            ]);
            r.reject_unknown(self, "a Retrier");
            let mut retrier = Retrier::default();
            match self.error_equals(&r, i + 1 == items.len()) {
                Some(e) => retrier.error_equals = e,
                None => ok = false,
            }
            if let Some(n) = r.opt_int(self, "IntervalSeconds", 1, 99_999_999) {
                retrier.interval_seconds = n;
            }
            if let Some(n) = r.opt_int(self, "MaxAttempts", 0, 99_999_999) {
                retrier.max_attempts = n;
            }
            if let Some(n) = r.opt_number(self, "BackoffRate", 1.0, 99_999_999.0) {
                retrier.backoff_rate = n;
            }
            retrier.max_delay_seconds = r.opt_int(self, "MaxDelaySeconds", 1, 31_622_400);
            match r.opt_string(self, "JitterStrategy").as_deref() {
                None | Some("NONE") => {}
                Some("FULL") => retrier.jitter = Jitter::Full,
                Some(other) => self.schema(
                    &r.at("JitterStrategy"),
                    format!("JitterStrategy must be FULL or NONE, got '{other}'"),
                ),
            }
            out.push(retrier);
        }
        ok.then_some(out)
    }

    pub(crate) fn catchers(
        &mut self,
        f: &Fields,
        names: &HashMap<&str, StateId>,
    ) -> Option<Vec<Catcher>> {
        let items = self.policy_array(f, "Catch")?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, v) in items.iter().enumerate() {
            let loc = format!("{}/{i}", f.at("Catch"));
            let Some(obj) = v.as_object() else {
                self.schema(&loc, "A Catcher must be an object".into());
                ok = false;
                continue;
            };
            let mut c = Fields::new(obj, &loc);
            c.allow(&["ErrorEquals", "Next", "Comment", "Assign"]);
            let jsonata = self.query == QueryLanguage::Jsonata;
            c.allow(if jsonata {
                &["Output"]
            } else {
                &["ResultPath"]
            });
            c.reject_unknown(self, "a Catcher");
            let error_equals = self.error_equals(&c, i + 1 == items.len());
            let next = c.next(self, "Next", names);
            let result_path = if jsonata {
                ResultPath::whole()
            } else {
                c.result_path(self)
            };
            self.in_catcher = true;
            let assign = c.assign(self);
            let output = c.template(self, "Output");
            self.in_catcher = false;
            match (error_equals, next) {
                (Some(error_equals), Some(next)) => out.push(Catcher {
                    error_equals,
                    next,
                    result_path,
                    assign,
                    output,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn policy_array<'a>(&mut self, f: &Fields<'a>, key: &str) -> Option<&'a [Value]> {
        match f.get(key) {
            None => Some(&[]),
            Some(Value::Array(a)) => Some(a),
            Some(_) => {
                self.schema(&f.at(key), format!("{key} must be an array"));
                None
            }
        }
    }

    fn error_equals(&mut self, f: &Fields, last: bool) -> Option<Vec<String>> {
        let loc = f.at("ErrorEquals");
        let names: Option<Vec<String>> = match f.get("ErrorEquals") {
            Some(Value::Array(a)) => a.iter().map(|v| v.as_str().map(str::to_string)).collect(),
            _ => None,
        };
        let Some(names) = names else {
            self.schema(&loc, "ErrorEquals must be an array of error names".into());
            return None;
        };
        if names.iter().any(|n| n == "States.ALL") {
            if names.len() != 1 {
                self.schema(
                    &loc,
                    "States.ALL must appear alone in its ErrorEquals".into(),
                );
                return None;
            }
            if !last {
                self.schema(
                    &loc,
                    "States.ALL must appear only in the last Retrier or Catcher".into(),
                );
                return None;
            }
        }
        Some(names)
    }
}
