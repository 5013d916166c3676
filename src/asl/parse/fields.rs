//! Typed reads of one JSON object's fields, each failure a diagnostic at the field's location.

use super::ctx::Ctx;
use crate::asl::jsonata::{expression_text, Expression};
use crate::asl::model::{Amount, QueryLanguage, ResultPath, Seconds, StateId, Transition};
use crate::asl::path::Path;
use crate::asl::template::Template;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Fields only JSONPath states have.
const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Result",
    "ItemsPath",
    "MaxConcurrencyPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "Variable",
];

/// Fields only JSONata states have.
const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items", "Condition"];

/// One JSON object being read, with its location and the fields it may hold.
pub(crate) struct Fields<'a> {
    pub(crate) obj: &'a Map<String, Value>,
    pub(crate) loc: String,
    allowed: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(obj: &'a Map<String, Value>, loc: &str) -> Self {
        Fields {
            obj,
            loc: loc.to_string(),
            allowed: Vec::new(),
        }
    }

    pub(crate) fn allow(&mut self, names: &[&'static str]) {
        self.allowed.extend_from_slice(names);
    }

    pub(crate) fn at(&self, key: &str) -> String {
        format!("{}/{key}", self.loc)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.obj.get(key)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.obj.contains_key(key)
    }

    /// AWS rejects fields a state type does not define, and fields of the other query
    /// language with a message that says so.
    pub(crate) fn reject_unknown(&self, ctx: &mut Ctx, what: &str) {
        for k in self.obj.keys() {
            if !self.allowed.contains(&k.as_str()) {
                let (this, other, theirs) = match ctx.query {
                    QueryLanguage::JsonPath => ("JSONPath", "JSONata", JSONATA_ONLY),
                    QueryLanguage::Jsonata => ("JSONata", "JSONPath", JSONPATH_ONLY),
                };
                if theirs.contains(&k.as_str()) {
                    ctx.schema(
                        &self.loc,
                        format!(
                            "The QueryLanguage is set to '{this}', but field '{k}' is only supported for the '{other}' QueryLanguage"
                        ),
                    );
                } else {
                    ctx.schema(
                        &self.at(k),
                        format!("The field '{k}' is not supported for {what}"),
                    );
                }
            }
        }
    }

    pub(crate) fn opt_string(&self, ctx: &mut Ctx, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                ctx.schema(&self.at(key), format!("The field '{key}' must be a string"));
                None
            }
        }
    }

    pub(crate) fn req_string(&self, ctx: &mut Ctx, key: &str) -> Option<String> {
        if !self.has(key) {
            ctx.schema(&self.loc, format!("The field '{key}' is required"));
            return None;
        }
        self.opt_string(ctx, key)
    }

    /// An integer within `[min, max]`.
    pub(crate) fn opt_int(&self, ctx: &mut Ctx, key: &str, min: u64, max: u64) -> Option<u64> {
        let v = self.get(key)?;
        match v.as_u64() {
            Some(n) if n >= min && n <= max => Some(n),
            _ => {
                ctx.schema(
                    &self.at(key),
                    format!("The field '{key}' must be an integer from {min} to {max}"),
                );
                None
            }
        }
    }

    pub(crate) fn opt_number(&self, ctx: &mut Ctx, key: &str, min: f64, max: f64) -> Option<f64> {
        let v = self.get(key)?;
        match v.as_f64() {
            Some(n) if n >= min && n <= max => Some(n),
            _ => {
                ctx.schema(
                    &self.at(key),
                    format!("The field '{key}' must be a number from {min} to {max}"),
                );
                None
            }
        }
    }

    /// A JSONPath (`$...` or `$$...`); `reference` demands a reference path.
    pub(crate) fn opt_path(&self, ctx: &mut Ctx, key: &str, reference: bool) -> Option<Path> {
        let s = self.opt_string(ctx, key)?;
        self.path_text(ctx, key, &s, reference)
    }

    pub(crate) fn path_text(
        &self,
        ctx: &mut Ctx,
        key: &str,
        s: &str,
        reference: bool,
    ) -> Option<Path> {
        match Path::parse(s) {
            Ok(p) if reference && !p.is_reference() => {
                ctx.schema(
                    &self.at(key),
                    format!("The value of '{key}' must be a reference path, got '{s}'"),
                );
                None
            }
            Ok(p) => Some(p),
            Err(e) => {
                ctx.schema(&self.at(key), format!("The value of '{key}': {e}"));
                None
            }
        }
    }

    /// InputPath / OutputPath: absent is `$`, null is `None`.
    pub(crate) fn io_path(&self, ctx: &mut Ctx, key: &str) -> Option<Path> {
        match self.get(key) {
            None => Some(Path::input()),
            Some(Value::Null) => None,
            Some(_) => self.opt_path(ctx, key, false),
        }
    }

    /// ResultPath (and a Catcher's): absent is `$`, null discards the result.
    pub(crate) fn result_path(&self, ctx: &mut Ctx) -> ResultPath {
        match self.get("ResultPath") {
            None => ResultPath::whole(),
            Some(Value::Null) => ResultPath::Discard,
            Some(_) => match self.opt_path(ctx, "ResultPath", true) {
                Some(p) if p.root == crate::asl::path::Root::Context => {
                    ctx.schema(
                        &self.at("ResultPath"),
                        "ResultPath cannot refer to the context object".into(),
                    );
                    ResultPath::Discard
                }
                Some(p) if p.root == crate::asl::path::Root::Variable => {
                    ctx.schema(
                        &self.at("ResultPath"),
                        "ResultPath cannot refer to a variable; use Assign".into(),
                    );
                    ResultPath::Discard
                }
                Some(p) => ResultPath::At(p),
                None => ResultPath::Discard,
            },
        }
    }

    /// `Assign`: an object whose keys are variable names (in JSONPath, a `.$` suffix makes
    /// the value a path or an intrinsic call, as in Parameters).
    pub(crate) fn assign(&self, ctx: &mut Ctx) -> Option<Template> {
        let v = self.get("Assign")?;
        let Some(obj) = v.as_object() else {
            ctx.schema(&self.at("Assign"), "Assign must be an object".into());
            return None;
        };
        for key in obj.keys() {
            let name = match ctx.query {
                QueryLanguage::JsonPath => key.strip_suffix(".$").unwrap_or(key),
                QueryLanguage::Jsonata => key,
            };
            let len = crate::asl::path::variable_name_len(name);
            if len == 0 || len != name.len() || name == "states" || name.chars().count() > 80 {
                ctx.schema(
                    &format!("{}/{key}", self.at("Assign")),
                    format!(
                        "'{name}' is not a valid variable name: up to 80 letters, digits or '_', starting with a letter or '_', and not the reserved 'states'"
                    ),
                );
            }
        }
        self.template(ctx, "Assign")
    }

    /// A payload template in the state's query language: `.$` keys for JSONPath,
    /// `{% ... %}` strings for JSONata.
    pub(crate) fn template(&self, ctx: &mut Ctx, key: &str) -> Option<Template> {
        let v = self.get(key)?;
        let compiled = match ctx.query {
            QueryLanguage::JsonPath => Template::compile(v),
            QueryLanguage::Jsonata => Template::compile_jsonata(v),
        };
        match compiled {
            Ok(t) => {
                ctx.check_expressions(&t, &self.at(key));
                Some(t)
            }
            Err(errors) => {
                for e in errors {
                    ctx.error(
                        e.code,
                        &format!("{}{}", self.at(key), e.location),
                        e.message,
                    );
                }
                None
            }
        }
    }

    /// A JSONata field that holds one value: a literal, or a whole `{% ... %}` expression.
    pub(crate) fn expression(
        &self,
        ctx: &mut Ctx,
        key: &str,
    ) -> Option<Result<Arc<Expression>, Value>> {
        let v = self.get(key)?;
        match v.as_str().and_then(expression_text) {
            None => Some(Err(v.clone())),
            Some(text) => match Expression::parse(text) {
                Ok(e) => {
                    ctx.check_expression(&e, &self.at(key));
                    Some(Ok(Arc::new(e)))
                }
                Err(e) => {
                    ctx.error(e.code, &self.at(key), e.message);
                    None
                }
            },
        }
    }

    /// Exactly one of `Next` and `End: true`.
    pub(crate) fn transition(
        &self,
        ctx: &mut Ctx,
        names: &HashMap<&str, StateId>,
    ) -> Option<Transition> {
        let end = match self.get("End") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                ctx.schema(&self.at("End"), "End must be a boolean".into());
                return None;
            }
        };
        match (self.has("Next"), end) {
            (true, true) => {
                ctx.schema(
                    &self.loc,
                    "A state cannot have both 'Next' and 'End': true".into(),
                );
                None
            }
            (false, false) => {
                ctx.schema(
                    &self.loc,
                    "A state must have either 'Next' or 'End': true".into(),
                );
                None
            }
            (false, true) => Some(Transition::End),
            (true, false) => self.next(ctx, "Next", names).map(Transition::Next),
        }
    }

    /// A field naming a state (`Next`, `Default`).
    pub(crate) fn next(
        &self,
        ctx: &mut Ctx,
        key: &str,
        names: &HashMap<&str, StateId>,
    ) -> Option<StateId> {
        let s = self.req_string(ctx, key)?;
        match names.get(s.as_str()) {
            Some(id) => Some(*id),
            None => {
                ctx.schema(
                    &self.at(key),
                    format!("Missing '{key}' target: no state is named '{s}'"),
                );
                None
            }
        }
    }

    /// `X` (a positive integer) or `XPath` (a reference path), not both; in JSONata, `X` as
    /// an integer or an expression.
    pub(crate) fn seconds(&self, ctx: &mut Ctx, key: &str, path_key: &str) -> Option<Seconds> {
        if ctx.query == QueryLanguage::Jsonata {
            return match self.expression(ctx, key)? {
                Ok(e) => Some(Seconds::Expr(e)),
                Err(_) => self.opt_int(ctx, key, 1, 99_999_999).map(Seconds::Fixed),
            };
        }
        match (self.has(key), self.has(path_key)) {
            (true, true) => {
                ctx.schema(
                    &self.loc,
                    format!("'{key}' and '{path_key}' cannot both be set"),
                );
                None
            }
            (true, false) => self.opt_int(ctx, key, 1, 99_999_999).map(Seconds::Fixed),
            (false, true) => self.opt_path(ctx, path_key, true).map(Seconds::Path),
            (false, false) => None,
        }
    }

    /// A number or a reference path to one (MaxConcurrency and the tolerances).
    pub(crate) fn amount(
        &self,
        ctx: &mut Ctx,
        key: &str,
        path_key: &str,
        max: f64,
    ) -> Option<Amount> {
        if ctx.query == QueryLanguage::Jsonata {
            return match self.expression(ctx, key)? {
                Ok(e) => Some(Amount::Expr(e)),
                Err(_) => self.opt_number(ctx, key, 0.0, max).map(Amount::Fixed),
            };
        }
        match (self.has(key), self.has(path_key)) {
            (true, true) => {
                ctx.schema(
                    &self.loc,
                    format!("'{key}' and '{path_key}' cannot both be set"),
                );
                None
            }
            (true, false) => self.opt_number(ctx, key, 0.0, max).map(Amount::Fixed),
            (false, true) => self.opt_path(ctx, path_key, true).map(Amount::Path),
            (false, false) => None,
        }
    }
}
