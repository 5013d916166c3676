//! `sfn conformance DIR`: runs the recorded AWS cases on the real runtime and compares
//! outcomes (status and output or error), causes, and history event types.

use crate::api::types::{CreateStateMachineInput, StartExecutionInput};
use crate::api::{describe, StepFunctions};
use crate::runtime::mock::MockConfig;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// One recorded case (see the conformance README for the format).
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub definition: Value,
    pub input: Value,
    pub mocks: Map<String, Value>,
    pub wildcards: Vec<String>,
    pub expected: Value,
    pub features: Vec<String>,
}

/// What the runtime did with a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The execution's status, or `ERROR` when the runtime rejected the case.
    pub status: String,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub history_types: Vec<String>,
}

impl Observed {
    pub fn to_json(&self, id: &str) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("status".into(), json!(self.status));
        if let Some(o) = &self.output {
            m.insert("output".into(), o.clone());
        }
        if let Some(e) = &self.error {
            m.insert("error".into(), json!(e));
        }
        if let Some(c) = &self.cause {
            m.insert("cause".into(), json!(c));
        }
        m.insert("history_types".into(), json!(self.history_types));
        Value::Object(m)
    }
}

/// How far a case passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Result<(), String>,
    pub cause: bool,
    pub history: bool,
}

/// Loads every `*.json` case in `dir`, sorted by id.
pub fn load_cases(dir: &Path) -> Result<Vec<Case>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut cases = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let v: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
        cases.push(parse_case(&v).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(cases)
}

fn parse_case(v: &Value) -> Result<Case, String> {
    let field = |k: &str| v.get(k).ok_or_else(|| format!("missing '{k}'"));
    Ok(Case {
        id: field("id")?
            .as_str()
            .ok_or("'id' must be a string")?
            .to_string(),
        definition: field("definition")?.clone(),
        input: v.get("input").cloned().unwrap_or(json!({})),
        mocks: v
            .get("mocks")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        wildcards: strings(v, "wildcards"),
        expected: field("expected")?.clone(),
        features: strings(v, "features"),
    })
}

/// A list of strings in a case (missing or malformed lists are empty).
fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs the cases concurrently on one runtime (virtual time, a fresh execution each).
pub fn run_cases(cases: &[Case]) -> Result<Vec<Observed>, String> {
    // The cases were recorded in account 111111111111; ARNs in expected outputs show it.
    let sfn = StepFunctions::builder()
        .virtual_clock()
        .account("111111111111")
        // Reproducible runs: the same generated ids every time.
        .seed(0x5f3759df)
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let started: Vec<Result<_, String>> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| start_case(&sfn, i, c))
        .collect();
    Ok(started
        .into_iter()
        .map(|s| match s {
            Ok(record) => {
                record.wait_blocking();
                let d = describe(&record);
                let history = record.with_progress(|p| {
                    p.history.iter().map(|e| e.event_type.to_string()).collect()
                });
                Observed {
                    status: d.status,
                    output: d.output.and_then(|o| serde_json::from_str(&o).ok()),
                    error: d.error,
                    cause: d.cause,
                    history_types: history,
                }
            }
            Err(e) => rejected(e),
        })
        .collect())
}

fn rejected(error: String) -> Observed {
    Observed {
        status: "ERROR".into(),
        output: None,
        error: Some(error),
        cause: None,
        history_types: Vec::new(),
    }
}

fn start_case(
    sfn: &StepFunctions,
    i: usize,
    c: &Case,
) -> Result<std::sync::Arc<crate::runtime::ExecutionRecord>, String> {
    let name = format!("case-{i}");
    let sm = sfn
        .create_state_machine(CreateStateMachineInput {
            name: name.clone(),
            definition: c.definition.to_string(),
            role_arn: "arn:aws:iam::123456789012:role/conformance".into(),
            r#type: None,
        })
        .map_err(|e| e.to_string())?;
    let mocks = MockConfig::single_case(&name, "case", &c.mocks)
        .and_then(|m| m.test_case(&name, "case"))
        .map_err(|e| e.to_string())?;
    sfn.start_with_mocks(
        StartExecutionInput {
            state_machine_arn: sm.state_machine_arn,
            name: Some("exec".into()),
            input: Some(c.input.to_string()),
            trace_header: None,
        },
        mocks,
    )
    .map_err(|e| e.to_string())
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

/// The `sfn conformance` command. Returns the process exit code (always 0 unless the
/// directory cannot be read).
/// Which level of passing the per-case lines report on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    Outcome,
    Cause,
    History,
}

/// How `sfn conformance` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Failures, per-feature counts and the closing line.
    Summary(Level),
    /// One JSON object per case per line.
    Json,
    /// The ids that pass at the outcome level, one per line (for the expected-passes list).
    Passing,
}

pub fn command(dir: &Path, report: Report, filter: Option<&str>) -> i32 {
    let cases = match load_cases(dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sfn conformance: {e}");
            return 2;
        }
    };
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| filter.is_none_or(|f| c.id.contains(f)))
        .collect();
    let observed = match run_cases(&cases) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("sfn conformance: {e}");
            return 2;
        }
    };
    let level = match report {
        Report::Json => {
            for (c, o) in cases.iter().zip(&observed) {
                println!("{}", o.to_json(&c.id));
            }
            return 0;
        }
        Report::Passing => {
            for (c, o) in cases.iter().zip(&observed) {
                if judge(c, o).outcome.is_ok() {
                    println!("{}", c.id);
                }
            }
            return 0;
        }
        Report::Summary(level) => level,
    };
    let mut per_feature: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut passed, mut causes, mut histories) = (0, 0, 0);
    for (c, o) in cases.iter().zip(&observed) {
        let v = judge(c, o);
        let ok = v.outcome.is_ok();
        for f in &c.features {
            let e = per_feature.entry(f.as_str()).or_default();
            e.0 += ok as usize;
            e.1 += 1;
        }
        match v.outcome {
            Ok(()) => {
                passed += 1;
                causes += v.cause as usize;
                histories += v.history as usize;
                if level == Level::Cause && !v.cause {
                    println!("FAIL {} (cause): got {:?}", c.id, o.cause);
                }
                if level == Level::History && !v.history {
                    println!("FAIL {} (history): got {:?}", c.id, o.history_types);
                }
            }
            Err(d) => println!("FAIL {}: {d}", c.id),
        }
    }
    println!();
    for (f, (p, n)) in &per_feature {
        println!("{f:>20}: {p}/{n}");
    }
    println!("cause level: {causes} passed; history level: {histories} passed");
    println!(
        "conformance: {passed} passed, {} failed",
        cases.len() - passed
    );
    0
}

#[cfg(test)]
mod tests {
    use super::*;

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
