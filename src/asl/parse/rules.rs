//! Choice rules: `And`/`Or`/`Not` and `Variable` with exactly one comparison operator.

use super::ctx::Ctx;
use super::fields::Fields;
use crate::asl::model::{ChoiceBranch, ChoiceRule, Comparison, Operand, QueryLanguage, StateId};
use crate::asl::template::Template;
use serde_json::Value;
use std::collections::HashMap;

/// Operand type a comparison expects, for static checks of literal operands.
enum Expect {
    String,
    Number,
    Boolean,
    Timestamp,
}

fn operator(name: &str) -> Option<(Comparison, bool, Expect)> {
    use Comparison::*;
    let (base, is_path) = match name.strip_suffix("Path") {
        Some(b) if b != "StringMatches" && !b.starts_with("Is") => (b, true),
        _ => (name, false),
    };
    let (c, e) = match base {
        "StringEquals" => (StringEquals, Expect::String),
        "StringLessThan" => (StringLessThan, Expect::String),
        "StringGreaterThan" => (StringGreaterThan, Expect::String),
        "StringLessThanEquals" => (StringLessThanEquals, Expect::String),
        "StringGreaterThanEquals" => (StringGreaterThanEquals, Expect::String),
        "StringMatches" if !is_path => (StringMatches, Expect::String),
        "NumericEquals" => (NumericEquals, Expect::Number),
        "NumericLessThan" => (NumericLessThan, Expect::Number),
        "NumericGreaterThan" => (NumericGreaterThan, Expect::Number),
        "NumericLessThanEquals" => (NumericLessThanEquals, Expect::Number),
        "NumericGreaterThanEquals" => (NumericGreaterThanEquals, Expect::Number),
        "BooleanEquals" => (BooleanEquals, Expect::Boolean),
        "TimestampEquals" => (TimestampEquals, Expect::Timestamp),
        "TimestampLessThan" => (TimestampLessThan, Expect::Timestamp),
        "TimestampGreaterThan" => (TimestampGreaterThan, Expect::Timestamp),
        "TimestampLessThanEquals" => (TimestampLessThanEquals, Expect::Timestamp),
        "TimestampGreaterThanEquals" => (TimestampGreaterThanEquals, Expect::Timestamp),
        "IsNull" if !is_path => (IsNull, Expect::Boolean),
        "IsPresent" if !is_path => (IsPresent, Expect::Boolean),
        "IsNumeric" if !is_path => (IsNumeric, Expect::Boolean),
        "IsString" if !is_path => (IsString, Expect::Boolean),
        "IsBoolean" if !is_path => (IsBoolean, Expect::Boolean),
        "IsTimestamp" if !is_path => (IsTimestamp, Expect::Boolean),
        _ => return None,
    };
    Some((c, is_path, e))
}

/// Nested `And`/`Or`/`Not` deeper than this is rejected rather than recursed into.
const MAX_RULE_DEPTH: usize = 64;

impl Ctx {
    pub(crate) fn choice_branch(
        &mut self,
        v: &Value,
        loc: &str,
        names: &HashMap<&str, StateId>,
    ) -> Option<ChoiceBranch> {
        let Some(obj) = v.as_object() else {
            self.schema(loc, "A Choice rule must be an object".into());
            return None;
        };
        let mut f = Fields::new(obj, loc);
        let next = f.next(self, "Next", names);
        let assign = f.assign(self);
        if self.query == QueryLanguage::Jsonata {
            f.allow(&["Condition", "Next", "Assign", "Output", "Comment"]);
            f.reject_unknown(self, "a Choice rule");
            let output = f.template(self, "Output");
            let rule = self.condition(&f);
            return Some(ChoiceBranch {
                rule: rule?,
                next: next?,
                assign,
                output,
            });
        }
        let rule = self.rule(v, loc, true, 0);
        Some(ChoiceBranch {
            rule: rule?,
            next: next?,
            assign,
            output: None,
        })
    }

    /// A JSONata rule's `Condition`: `true`, `false`, or an expression.
    fn condition(&mut self, f: &Fields) -> Option<ChoiceRule> {
        if !f.has("Condition") {
            self.schema(&f.loc, "The field 'Condition' is required".into());
            return None;
        }
        match f.template(self, "Condition")? {
            t @ (Template::Expr(_) | Template::Constant(Value::Bool(_))) => {
                Some(ChoiceRule::Condition(t))
            }
            _ => {
                self.schema(
                    &f.at("Condition"),
                    "Condition must be a Boolean or a JSONata expression".into(),
                );
                None
            }
        }
    }

    fn rule(&mut self, v: &Value, loc: &str, top: bool, depth: usize) -> Option<ChoiceRule> {
        if depth > MAX_RULE_DEPTH {
            self.schema(loc, "Choice rules are nested too deeply".into());
            return None;
        }
        let Some(obj) = v.as_object() else {
            self.schema(loc, "A Choice rule must be an object".into());
            return None;
        };
        let f = Fields::new(obj, loc);
        for key in ["Next", "Assign"] {
            if !top && f.has(key) {
                self.schema(
                    &f.at(key),
                    format!("A nested Choice rule cannot have '{key}'"),
                );
            }
        }
        let ops: Vec<&String> = obj
            .keys()
            .filter(|k| !matches!(k.as_str(), "Next" | "Comment" | "Variable" | "Assign"))
            .collect();
        if ops.len() != 1 {
            self.schema(
                loc,
                format!(
                    "A Choice rule needs exactly one of And, Or, Not or a comparison operator (found {})",
                    ops.len()
                ),
            );
            return None;
        }
        let op = ops[0].as_str();
        let oloc = f.at(op);
        match op {
            "And" | "Or" => {
                let Some(Value::Array(items)) = f.get(op) else {
                    self.schema(&oloc, format!("{op} must be a non-empty array of rules"));
                    return None;
                };
                if items.is_empty() {
                    self.schema(&oloc, format!("{op} must be a non-empty array of rules"));
                    return None;
                }
                if f.has("Variable") {
                    self.schema(&f.at("Variable"), format!("{op} cannot have a Variable"));
                }
                let rules: Vec<ChoiceRule> = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| self.rule(r, &format!("{oloc}/{i}"), false, depth + 1))
                    .collect();
                (rules.len() == items.len()).then_some(if op == "And" {
                    ChoiceRule::And(rules)
                } else {
                    ChoiceRule::Or(rules)
                })
            }
            "Not" => {
                let inner = self.rule(f.get(op)?, &oloc, false, depth + 1)?;
                Some(ChoiceRule::Not(Box::new(inner)))
            }
            _ => self.comparison(&f, op, &oloc),
        }
    }

    fn comparison(&mut self, f: &Fields, op: &str, oloc: &str) -> Option<ChoiceRule> {
        let Some((cmp, is_path, expect)) = operator(op) else {
            self.schema(oloc, format!("Unknown Choice operator '{op}'"));
            return None;
        };
        let Some(var) = f.get("Variable").and_then(Value::as_str) else {
            self.schema(&f.loc, format!("{op} needs a string 'Variable'"));
            return None;
        };
        let variable = f.path_text(self, "Variable", var, false)?;
        let raw = f.get(op)?;
        if is_path {
            let p = raw.as_str().and_then(|s| f.path_text(self, op, s, false));
            if p.is_none() && raw.as_str().is_none() {
                self.schema(oloc, format!("{op} must be a path string"));
            }
            return Some(ChoiceRule::Compare {
                variable,
                op: cmp,
                operand: Operand::Path(p?),
            });
        }
        let ok = match expect {
            Expect::String => raw.is_string(),
            Expect::Number => raw.is_number(),
            Expect::Boolean => raw.is_boolean(),
            Expect::Timestamp => raw
                .as_str()
                .is_some_and(|s| crate::asl::timestamp::parse(s).is_some()),
        };
        if !ok {
            let what = match expect {
                Expect::String => "a string",
                Expect::Number => "a number",
                Expect::Boolean => "a boolean",
                Expect::Timestamp => "an ISO-8601 timestamp string",
            };
            self.schema(oloc, format!("The value of {op} must be {what}"));
            return None;
        }
        Some(ChoiceRule::Compare {
            variable,
            op: cmp,
            operand: Operand::Value(raw.clone()),
        })
    }
}
