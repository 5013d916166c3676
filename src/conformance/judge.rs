//! Judging a case: the outcome (status, and output or error) against what AWS recorded,
//! then the cause and the history's event types. Expected values may hold wildcards and
//! `<...>` placeholders for what differs between runs (ids, dates).

use super::case::Case;
use super::run::Observed;
use serde_json::Value;

/// How far a case passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `Ok` when the status and the output (or the error) match; else what differs.
    pub outcome: Result<(), String>,
    /// Whether the cause matches as well (true for a success; false when the outcome fails).
    pub cause: bool,
    /// Whether the history's event types match in order (false when the outcome fails).
    pub history: bool,
}

/// Compares what ran with what AWS recorded.
pub fn judge(c: &Case, o: &Observed) -> Verdict {
    let exp = &c.expected;
    let status = exp.get("status").and_then(Value::as_str).unwrap_or("");
    let outcome = if o.status != status {
        Err(format!(
            "status {} != expected {status}{}",
            o.status,
            o.error
                .as_ref()
                .map(|e| format!(" ({e}: {})", o.cause.as_deref().unwrap_or("")))
                .unwrap_or_default()
        ))
    } else if status == "SUCCEEDED" {
        let want = exp.get("output").cloned().unwrap_or(Value::Null);
        let got = o.output.clone().unwrap_or(Value::Null);
        matches(&want, &got, &c.wildcards, "$").map_err(|d| format!("output {d}"))
    } else {
        let want = exp.get("error").cloned().unwrap_or(Value::Null);
        let got = o.error.clone().map(Value::String).unwrap_or(Value::Null);
        matches(&want, &got, &c.wildcards, "error").map_err(|d| format!("error {d}"))
    };
    let cause = outcome.is_ok() && {
        let want = exp.get("cause").cloned().unwrap_or(Value::Null);
        // A cause recorded as JSON (a task's error payload) compares structurally.
        let got = match (&want, &o.cause) {
            (Value::Object(_) | Value::Array(_), Some(c)) => {
                serde_json::from_str(c).unwrap_or_else(|_| Value::String(c.clone()))
            }
            (_, c) => c.clone().map(Value::String).unwrap_or(Value::Null),
        };
        status == "SUCCEEDED" || matches(&want, &got, &c.wildcards, "cause").is_ok()
    };
    let history = outcome.is_ok() && {
        let want: Vec<&str> = exp
            .get("history_types")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        want == o
            .history_types
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    };
    Verdict {
        outcome,
        cause,
        history,
    }
}

/// Structural match where an expected string listed in `wildcards` matches any scalar and
/// a `<...>` segment inside an expected string matches any text.
pub fn matches(want: &Value, got: &Value, wildcards: &[String], at: &str) -> Result<(), String> {
    let differ = || Err(format!("at {at}: expected {want}, got {got}"));
    match (want, got) {
        (Value::String(w), g) if wildcards.contains(w) && !g.is_object() && !g.is_array() => Ok(()),
        (Value::String(w), Value::String(g)) => {
            if w == g || placeholder_match(w, g) {
                Ok(())
            } else {
                differ()
            }
        }
        (Value::Number(w), Value::Number(g)) => {
            if w.as_f64() == g.as_f64() {
                Ok(())
            } else {
                differ()
            }
        }
        (Value::Object(w), Value::Object(g)) => {
            if w.len() != g.len() || w.keys().any(|k| !g.contains_key(k)) {
                return differ();
            }
            for (k, wv) in w {
                matches(wv, &g[k], wildcards, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.len() != g.len() {
                return differ();
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                matches(wv, gv, wildcards, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (w, g) if w == g => Ok(()),
        _ => differ(),
    }
}

/// `<...>` segments of `pattern` match any text (possibly empty).
fn placeholder_match(pattern: &str, s: &str) -> bool {
    let mut literals = Vec::new();
    let mut rest = pattern;
    let mut any = false;
    while let Some(open) = rest.find('<') {
        match rest[open..].find('>') {
            Some(close) if !rest[open + 1..open + close].contains('<') => {
                literals.push(&rest[..open]);
                rest = &rest[open + close + 1..];
                any = true;
            }
            _ => break,
        }
    }
    if !any {
        return false;
    }
    literals.push(rest);
    let (first, last) = (literals[0], literals[literals.len() - 1]);
    if !s.starts_with(first)
        || !s[first.len()..].ends_with(last)
        || s.len() < first.len() + last.len()
    {
        return false;
    }
    let mut pos = first.len();
    let end = s.len() - last.len();
    for lit in &literals[1..literals.len() - 1] {
        match s[pos..end].find(lit) {
            Some(i) => pos += i + lit.len(),
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(expected: Value) -> Case {
        Case {
            id: "c".into(),
            definition: json!({}),
            input: json!({}),
            mocks: Default::default(),
            wildcards: vec!["ANY".into()],
            expected,
            features: Vec::new(),
        }
    }

    fn observed(status: &str, error: Option<&str>, cause: Option<&str>) -> Observed {
        Observed {
            status: status.into(),
            output: Some(json!({"id": 7})),
            error: error.map(String::from),
            cause: cause.map(String::from),
            history_types: vec!["ExecutionStarted".into(), "ExecutionSucceeded".into()],
        }
    }

    #[test]
    fn the_outcome_decides_and_cause_and_history_are_judged_only_after_it() {
        let ok = case(json!({"status": "SUCCEEDED", "output": {"id": "ANY"},
            "history_types": ["ExecutionStarted", "ExecutionSucceeded"]}));
        let v = judge(&ok, &observed("SUCCEEDED", None, None));
        assert_eq!((v.outcome, v.cause, v.history), (Ok(()), true, true));

        let v = judge(
            &ok,
            &observed("FAILED", Some("States.Runtime"), Some("boom")),
        );
        let why = v.outcome.unwrap_err();
        assert!(why.contains("status FAILED != expected SUCCEEDED"), "{why}");
        assert!(why.contains("States.Runtime: boom"), "{why}");
        assert!(!v.cause && !v.history);

        let failed = case(json!({"status": "FAILED", "error": "E", "cause": {"a": 1},
            "history_types": ["ExecutionStarted"]}));
        let v = judge(&failed, &observed("FAILED", Some("E"), Some(r#"{"a": 1}"#)));
        // A cause recorded as JSON compares structurally; the history differs.
        assert_eq!((v.outcome, v.cause, v.history), (Ok(()), true, false));
        let v = judge(&failed, &observed("FAILED", Some("E"), Some("other")));
        assert!(v.outcome.is_ok() && !v.cause);
        let v = judge(&failed, &observed("FAILED", Some("F"), None));
        assert_eq!(
            v.outcome.unwrap_err(),
            r#"error at error: expected "E", got "F""#
        );
    }

    #[test]
    fn placeholders_and_wildcards() {
        assert!(placeholder_match(
            "arn:<partition>:states:<region>:1:x",
            "arn:aws:states:us-east-1:1:x"
        ));
        assert!(!placeholder_match("arn:<partition>:x", "arn:aws:y"));
        assert!(!placeholder_match("plain", "plain"));
        let w = vec!["RND".to_string()];
        assert!(matches(&json!({"a": "RND"}), &json!({"a": 42}), &w, "$").is_ok());
        assert!(matches(&json!({"a": 1}), &json!({"a": 1.0}), &w, "$").is_ok());
        assert!(matches(&json!({"a": 1}), &json!({"a": 1, "b": 2}), &w, "$").is_err());
        assert!(matches(&json!([1, 2]), &json!([2, 1]), &w, "$").is_err());
    }
}
