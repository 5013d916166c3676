//! Evaluation of Choice rules.
//!
//! AWS: a comparison whose Variable has the wrong type is false, not an error; a Variable
//! (or `...Path` operand) that names nothing is `States.Runtime`, except under `IsPresent`.

use super::error::StatesError;
use super::scope::Scope;
use crate::asl::model::{ChoiceRule, Comparison, Operand};
use crate::asl::path::Path;
use crate::asl::timestamp;
use serde_json::Value;
use std::cmp::Ordering;

/// Whether the rule holds for the scope's input.
pub fn matches(rule: &ChoiceRule, scope: &Scope) -> Result<bool, StatesError> {
    match rule {
        ChoiceRule::And(rs) => {
            for r in rs {
                if !matches(r, scope)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        ChoiceRule::Or(rs) => {
            for r in rs {
                if matches(r, scope)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        ChoiceRule::Not(r) => Ok(!matches(r, scope)?),
        ChoiceRule::Compare {
            variable,
            op,
            operand,
        } => compare(variable, *op, operand, scope),
        // A JSONata state evaluates its Conditions itself (they need the random source).
        ChoiceRule::Condition(_) => Err(StatesError::runtime(
            "a JSONata Condition in a JSONPath Choice rule",
        )),
    }
}

fn lookup(path: &Path, scope: &Scope) -> Option<Value> {
    scope.select(path).ok().map(|s| s.to_value())
}

fn missing(path: &Path) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{}': The choice state's condition path references an invalid value.",
        path.as_str()
    ))
}

fn compare(
    variable: &Path,
    op: Comparison,
    operand: &Operand,
    scope: &Scope,
) -> Result<bool, StatesError> {
    use Comparison::*;
    let var = lookup(variable, scope);
    if op == IsPresent {
        return Ok(var.is_some() == (operand_bool(operand)));
    }
    let var = var.ok_or_else(|| missing(variable))?;
    let rhs = match operand {
        Operand::Value(v) => v.clone(),
        Operand::Path(p) => lookup(p, scope).ok_or_else(|| missing(p))?,
    };
    let expect = |b: bool| b == rhs.as_bool().unwrap_or(false);
    Ok(match op {
        IsNull => expect(var.is_null()),
        IsNumeric => expect(var.is_number()),
        IsString => expect(var.is_string()),
        IsBoolean => expect(var.is_boolean()),
        IsTimestamp => expect(var.as_str().and_then(timestamp::parse).is_some()),
        IsPresent => unreachable!("handled above"),
        StringMatches => match (var.as_str(), rhs.as_str()) {
            (Some(s), Some(pattern)) => wildcard_match(pattern, s),
            _ => false,
        },
        BooleanEquals => matches!((var.as_bool(), rhs.as_bool()), (Some(a), Some(b)) if a == b),
        StringEquals
        | StringLessThan
        | StringGreaterThan
        | StringLessThanEquals
        | StringGreaterThanEquals => match (var.as_str(), rhs.as_str()) {
            (Some(a), Some(b)) => ordered(op, a.cmp(b)),
            _ => false,
        },
        NumericEquals
        | NumericLessThan
        | NumericGreaterThan
        | NumericLessThanEquals
        | NumericGreaterThanEquals => match (var.as_f64(), rhs.as_f64()) {
            (Some(a), Some(b)) if var.is_number() && rhs.is_number() => {
                a.partial_cmp(&b).is_some_and(|o| ordered(op, o))
            }
            _ => false,
        },
        TimestampEquals
        | TimestampLessThan
        | TimestampGreaterThan
        | TimestampLessThanEquals
        | TimestampGreaterThanEquals => {
            let a = var.as_str().and_then(timestamp::parse);
            let b = rhs.as_str().and_then(timestamp::parse);
            match (a, b) {
                (Some(a), Some(b)) => ordered(op, a.cmp(&b)),
                _ => false,
            }
        }
    })
}

fn operand_bool(o: &Operand) -> bool {
    matches!(o, Operand::Value(Value::Bool(true)))
}

fn ordered(op: Comparison, o: Ordering) -> bool {
    use Comparison::*;
    match op {
        StringEquals | NumericEquals | TimestampEquals => o == Ordering::Equal,
        StringLessThan | NumericLessThan | TimestampLessThan => o == Ordering::Less,
        StringGreaterThan | NumericGreaterThan | TimestampGreaterThan => o == Ordering::Greater,
        StringLessThanEquals | NumericLessThanEquals | TimestampLessThanEquals => {
            o != Ordering::Greater
        }
        _ => o != Ordering::Less,
    }
}

/// StringMatches: `*` matches any run of characters; `\*` is a literal star and `\\` a
/// literal backslash.
///
/// The literal runs between stars are found in order, each at its leftmost place, with a
/// linear substring search: linear in the pattern and the text together, where matching
/// character by character with backtracking took seconds for a long pattern and text.
pub fn wildcard_match(pattern: &str, s: &str) -> bool {
    // The literal runs between the stars.
    let mut runs: Vec<String> = vec![String::new()];
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => runs
                .last_mut()
                .expect("one run at least")
                .push(it.next().unwrap_or('\\')),
            '*' => runs.push(String::new()),
            c => runs.last_mut().expect("one run at least").push(c),
        }
    }
    let text = s.as_bytes();
    if runs.len() == 1 {
        return runs[0].as_bytes() == text;
    }
    let (first, last) = (runs[0].as_bytes(), runs[runs.len() - 1].as_bytes());
    if first.len() + last.len() > text.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for run in &runs[1..runs.len() - 1] {
        match memchr::memmem::find(rest, run.as_bytes()) {
            Some(at) => rest = &rest[at + run.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests;
