//! Turns definition JSON into the [`model`](super::model), collecting every diagnostic with
//! the JSON location of its field instead of stopping at the first.

mod ctx;
mod fields;
mod jsonata;
mod map;
mod policy;
mod rules;
mod states;

use super::diagnostic::{code, Diagnostic, Severity, ValidationReport};
use super::model::{Body, QueryLanguage, StateId, StateMachine, Transition};
use ctx::Ctx;
use fields::Fields;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Parses and validates a definition given as JSON text.
///
/// On failure the report holds every diagnostic found; on success, warnings are dropped (use
/// [`validate`] to see them).
pub fn parse_definition(text: &str) -> Result<StateMachine, ValidationReport> {
    let (machine, diags) = parse_with_diagnostics(text);
    match machine {
        Some(m) if diags.iter().all(|d| d.severity == Severity::Warning) => Ok(m),
        _ => Err(ValidationReport::new(diags)),
    }
}

/// `ValidateStateMachineDefinition`: all diagnostics, errors and warnings.
pub fn validate(text: &str) -> ValidationReport {
    ValidationReport::new(parse_with_diagnostics(text).1)
}

/// Parses an already-decoded definition value.
pub fn parse_value(value: &Value) -> Result<StateMachine, ValidationReport> {
    let mut ctx = Ctx::default();
    let m = ctx.machine(value);
    if ctx.has_errors() {
        Err(ValidationReport::new(ctx.diags))
    } else {
        m.ok_or_else(|| ValidationReport::new(ctx.diags))
    }
}

fn parse_with_diagnostics(text: &str) -> (Option<StateMachine>, Vec<Diagnostic>) {
    let mut ctx = Ctx::default();
    if text.trim().is_empty() {
        ctx.error(
            code::MISSING_DESCRIPTION,
            "",
            "The definition is empty".into(),
        );
        return (None, ctx.diags);
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            ctx.error(
                code::INVALID_JSON_DESCRIPTION,
                "",
                format!(
                    "Invalid JSON: {e} (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            );
            return (None, ctx.diags);
        }
    };
    let m = ctx.machine(&value);
    (m, ctx.diags)
}

impl Ctx {
    fn machine(&mut self, value: &Value) -> Option<StateMachine> {
        let Some(obj) = value.as_object() else {
            self.schema("", "The definition must be a JSON object".into());
            return None;
        };
        let mut f = Fields::new(obj, "");
        f.allow(&[
            "Comment",
            "StartAt",
            "States",
            "Version",
            "TimeoutSeconds",
            "QueryLanguage",
        ]);
        let comment = f.opt_string(self, "Comment");
        let version = f.opt_string(self, "Version");
        if let Some(v) = &version {
            if v != "1.0" {
                self.schema(
                    "/Version",
                    format!("Unsupported Version '{v}': only \"1.0\""),
                );
            }
        }
        let timeout_seconds = f.opt_int(self, "TimeoutSeconds", 1, 99_999_999);
        self.machine_query = self.query_language(&f, "").unwrap_or_default();
        self.query = self.machine_query;
        f.reject_unknown(self, "the top level");
        let body = self.body(obj, "")?;
        if self.has_errors() {
            return None;
        }
        Some(StateMachine {
            comment,
            version,
            timeout_seconds,
            body: std::sync::Arc::new(body),
        })
    }

    /// The `QueryLanguage` field at `loc`, when it is there and valid.
    pub(crate) fn query_language(&mut self, f: &Fields, loc: &str) -> Option<QueryLanguage> {
        let v = f.get("QueryLanguage")?;
        match v.as_str() {
            Some("JSONPath") => Some(QueryLanguage::JsonPath),
            Some("JSONata") => Some(QueryLanguage::Jsonata),
            _ => {
                self.schema(
                    &format!("{loc}/QueryLanguage"),
                    "Value should be one of the following: [JSONPath, JSONata]".into(),
                );
                None
            }
        }
    }

    /// `StartAt` + `States` at `loc` (the top level, a branch or an item processor).
    pub(crate) fn body(&mut self, obj: &Map<String, Value>, loc: &str) -> Option<Body> {
        let states_loc = format!("{loc}/States");
        let states = match obj.get("States") {
            Some(Value::Object(m)) if !m.is_empty() => m,
            Some(Value::Object(_)) => {
                self.schema(&states_loc, "States must not be empty".into());
                return None;
            }
            Some(_) => {
                self.schema(&states_loc, "States must be an object".into());
                return None;
            }
            None => {
                self.schema(loc, "The field 'States' is required".into());
                return None;
            }
        };
        let names: HashMap<&str, StateId> = states
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), StateId(i as u32)))
            .collect();
        for name in states.keys() {
            if name.is_empty() || name.chars().count() > 80 {
                self.error(
                    code::INVALID_STATE_NAME,
                    &format!("{states_loc}/{name}"),
                    format!("State name '{name}' must be 1 to 80 characters long"),
                );
            }
        }
        let start_at = match obj.get("StartAt") {
            Some(Value::String(s)) => match names.get(s.as_str()) {
                Some(id) => Some(*id),
                None => {
                    self.schema(
                        &format!("{loc}/StartAt"),
                        format!("StartAt '{s}' does not name a state in States"),
                    );
                    None
                }
            },
            Some(_) => {
                self.schema(&format!("{loc}/StartAt"), "StartAt must be a string".into());
                None
            }
            None => {
                self.schema(loc, "The field 'StartAt' is required".into());
                None
            }
        };
        let mut parsed = Vec::with_capacity(states.len());
        for (name, v) in states {
            let sloc = format!("{states_loc}/{name}");
            if let Some(s) = self.state(name, v, &sloc, &names) {
                parsed.push(s);
            }
        }
        let start_at = start_at?;
        if parsed.len() != states.len() {
            return None;
        }
        let body = Body {
            start_at,
            states: parsed,
        };
        self.check_graph(&body, &states_loc);
        Some(body)
    }

    /// Every state reachable from StartAt, and at least one way to end.
    fn check_graph(&mut self, body: &Body, states_loc: &str) {
        let mut seen = vec![false; body.states.len()];
        let mut stack = vec![body.start_at];
        let mut can_end = false;
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id.0 as usize], true) {
                continue;
            }
            let (next, ends) = successors(body.state(id));
            can_end |= ends;
            stack.extend(next);
        }
        for (i, s) in body.states.iter().enumerate() {
            if !seen[i] {
                self.schema(
                    &format!("{states_loc}/{}", s.name),
                    format!("State '{}' is not reachable", s.name),
                );
            }
        }
        if !can_end {
            self.error(
                code::MISSING_END_STATE,
                states_loc,
                "No terminal state: no state has End, or is a Succeed or Fail state".into(),
            );
        }
    }
}

/// The states a state can go to, and whether it can end its body.
fn successors(state: &super::model::State) -> (Vec<StateId>, bool) {
    use super::model::StateKind::*;
    let mut next = Vec::new();
    let mut ends = false;
    let mut transition = |t: &Transition| match t {
        Transition::Next(id) => next.push(*id),
        Transition::End => ends = true,
    };
    match &state.kind {
        Pass(s) => transition(&s.transition),
        Task(s) => transition(&s.transition),
        Wait(s) => transition(&s.transition),
        Parallel(s) => transition(&s.transition),
        Map(s) => transition(&s.transition),
        Choice(c) => {
            next.extend(c.choices.iter().map(|b| b.next));
            next.extend(c.default);
        }
        Succeed | Fail(_) => ends = true,
    }
    next.extend(state.catch().iter().map(|c| c.next));
    (next, ends)
}

#[cfg(test)]
mod jsonata_tests;
#[cfg(test)]
mod tests;
