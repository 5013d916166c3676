//! Mocked task responses in AWS Step Functions Local's mock-config format:
//!
//! ```json
//! {"StateMachines": {"Sm": {"TestCases": {"Happy": {"StateName": "ResponseName"}}}},
//!  "MockedResponses": {"ResponseName": {"0": {"Return": {}}, "1-2": {"Throw": {"Error": "E", "Cause": "C"}}}}}
//! ```
//!
//! Invocation keys count every call of the state in the execution, retries included.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// One mocked answer.
#[derive(Debug, Clone, PartialEq)]
pub enum MockAnswer {
    /// The task succeeds with this result.
    Return(Value),
    /// `Cause` may be any JSON: a non-string cause is serialised when it is raised.
    Throw {
        /// The error name the task fails with.
        error: String,
        /// The cause, as the config gives it.
        cause: Option<Value>,
    },
}

/// The answers of one mocked response, by invocation range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MockedResponse {
    ranges: Vec<(u32, u32, MockAnswer)>,
}

impl MockedResponse {
    /// The answer for the `n`th invocation (0-based).
    pub fn answer(&self, n: u32) -> Option<&MockAnswer> {
        self.ranges
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&n))
            .map(|(_, _, a)| a)
    }

    /// The response in the mock-config JSON shape (for the durable store).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (lo, hi, a) in &self.ranges {
            let key = if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}-{hi}")
            };
            let v = match a {
                MockAnswer::Return(v) => serde_json::json!({ "Return": v }),
                MockAnswer::Throw { error, cause } => {
                    serde_json::json!({"Throw": {"Error": error, "Cause": cause}})
                }
            };
            m.insert(key, v);
        }
        Value::Object(m)
    }

    /// Parses `{"0": {...}, "1-2": {...}}`; `at` names the location for errors.
    pub fn parse(v: &Value, at: &str) -> Result<Self, MockConfigError> {
        let obj = v
            .as_object()
            .ok_or_else(|| MockConfigError::new(at, "must be an object of invocation keys"))?;
        let mut ranges = Vec::new();
        for (k, a) in obj {
            let loc = format!("{at}.{k}");
            let (lo, hi) = parse_range(k).ok_or_else(|| {
                MockConfigError::new(&loc, "invocation keys are \"N\" or \"N-M\" with N <= M")
            })?;
            ranges.push((lo, hi, parse_answer(a, &loc)?));
        }
        Ok(MockedResponse { ranges })
    }
}

fn parse_range(k: &str) -> Option<(u32, u32)> {
    match k.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => k.trim().parse().ok().map(|n| (n, n)),
    }
}

fn parse_answer(a: &Value, loc: &str) -> Result<MockAnswer, MockConfigError> {
    let obj = a.as_object().ok_or_else(|| {
        MockConfigError::new(loc, "must be {\"Return\": ...} or {\"Throw\": ...}")
    })?;
    match (obj.get("Return"), obj.get("Throw")) {
        (Some(r), None) => Ok(MockAnswer::Return(r.clone())),
        (None, Some(Value::Object(t))) => {
            let error = t
                .get("Error")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    MockConfigError::new(&format!("{loc}.Throw"), "needs a string Error")
                })?
                .to_string();
            Ok(MockAnswer::Throw {
                error,
                cause: t.get("Cause").cloned(),
            })
        }
        _ => Err(MockConfigError::new(
            loc,
            "must hold exactly one of Return or Throw (an object with Error and Cause)",
        )),
    }
}

/// A malformed mock config, naming where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid mock config at {location}: {message}")]
pub struct MockConfigError {
    /// Where in the config, e.g. `$.MockedResponses.R.0`.
    pub location: String,
    /// What is wrong there.
    pub message: String,
}

impl MockConfigError {
    fn new(location: &str, message: &str) -> Self {
        MockConfigError {
            location: location.to_string(),
            message: message.to_string(),
        }
    }
}

/// A whole mock config file.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// state machine → test case → state → response name.
    cases: HashMap<String, HashMap<String, HashMap<String, String>>>,
    responses: HashMap<String, Arc<MockedResponse>>,
}

/// The mocks of one test case: state name → response. Shared by the executions that use it.
pub type MockCase = Arc<HashMap<String, Arc<MockedResponse>>>;

impl MockConfig {
    /// Reads a mock config from its JSON text.
    pub fn parse(text: &str) -> Result<Self, MockConfigError> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| MockConfigError::new("$", &format!("not valid JSON: {e}")))?;
        Self::from_value(&v)
    }

    /// Reads a mock config already parsed as JSON, checking that each test case names only
    /// responses the config defines.
    pub fn from_value(v: &Value) -> Result<Self, MockConfigError> {
        let root = v
            .as_object()
            .ok_or_else(|| MockConfigError::new("$", "must be an object"))?;
        let mut cfg = MockConfig::default();
        for (name, r) in obj_field(root, "MockedResponses", "$")? {
            let at = format!("$.MockedResponses.{name}");
            cfg.responses
                .insert(name.clone(), Arc::new(MockedResponse::parse(r, &at)?));
        }
        for (sm, def) in obj_field(root, "StateMachines", "$")? {
            let at = format!("$.StateMachines.{sm}");
            let def = def
                .as_object()
                .ok_or_else(|| MockConfigError::new(&at, "must be an object"))?;
            let mut cases = HashMap::new();
            for (case, states) in obj_field(def, "TestCases", &at)? {
                let cat = format!("{at}.TestCases.{case}");
                let states = states.as_object().ok_or_else(|| {
                    MockConfigError::new(&cat, "must map state names to response names")
                })?;
                let mut m = HashMap::new();
                for (state, resp) in states {
                    let resp = resp.as_str().ok_or_else(|| {
                        MockConfigError::new(&format!("{cat}.{state}"), "must be a response name")
                    })?;
                    if !cfg.responses.contains_key(resp) {
                        return Err(MockConfigError::new(
                            &format!("{cat}.{state}"),
                            &format!("no MockedResponses entry named '{resp}'"),
                        ));
                    }
                    m.insert(state.clone(), resp.to_string());
                }
                cases.insert(case.clone(), m);
            }
            cfg.cases.insert(sm.clone(), cases);
        }
        Ok(cfg)
    }

    /// Builds a config of one test case from `{"State": {"0": {...}}}` (the conformance
    /// case format).
    pub fn single_case(
        state_machine: &str,
        test_case: &str,
        mocks: &Map<String, Value>,
    ) -> Result<Self, MockConfigError> {
        let mut cfg = MockConfig::default();
        let mut states = HashMap::new();
        for (state, r) in mocks {
            let name = format!("{state}#{test_case}");
            cfg.responses.insert(
                name.clone(),
                Arc::new(MockedResponse::parse(r, &format!("$.{state}"))?),
            );
            states.insert(state.clone(), name);
        }
        cfg.cases.insert(
            state_machine.to_string(),
            HashMap::from([(test_case.to_string(), states)]),
        );
        Ok(cfg)
    }

    /// The mocks of `test_case` of `state_machine`.
    pub fn test_case(
        &self,
        state_machine: &str,
        test_case: &str,
    ) -> Result<MockCase, MockConfigError> {
        let cases = self.cases.get(state_machine).ok_or_else(|| {
            MockConfigError::new(
                "$.StateMachines",
                &format!("no state machine named '{state_machine}'"),
            )
        })?;
        let states = cases.get(test_case).ok_or_else(|| {
            MockConfigError::new(
                &format!("$.StateMachines.{state_machine}.TestCases"),
                &format!("no test case named '{test_case}'"),
            )
        })?;
        Ok(Arc::new(
            states
                .iter()
                .map(|(s, r)| (s.clone(), Arc::clone(&self.responses[r])))
                .collect(),
        ))
    }
}

fn obj_field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<&'a Map<String, Value>, MockConfigError> {
    match obj.get(key) {
        Some(Value::Object(m)) => Ok(m),
        None => Err(MockConfigError::new(at, &format!("missing '{key}'"))),
        Some(_) => Err(MockConfigError::new(
            &format!("{at}.{key}"),
            "must be an object",
        )),
    }
}

/// A test case's mocks as `{"State": {"0": {...}}}` JSON (for the durable store).
pub fn case_to_json(case: &MockCase) -> Value {
    Value::Object(
        case.iter()
            .map(|(state, r)| (state.clone(), r.to_json()))
            .collect(),
    )
}

/// The test case `case_to_json` wrote.
pub fn case_from_json(v: &Value) -> Result<MockCase, MockConfigError> {
    let obj = v
        .as_object()
        .ok_or_else(|| MockConfigError::new("$", "must be an object of state names"))?;
    let mut m = HashMap::new();
    for (state, r) in obj {
        m.insert(
            state.clone(),
            Arc::new(MockedResponse::parse(r, &format!("$.{state}"))?),
        );
    }
    Ok(Arc::new(m))
}

/// Serialises a non-string cause. A Lambda function's own error payload reaches AWS as the
/// function runtime wrote it (Python's `json.dumps`, with `", "` and `": "`), while service
/// integrations re-serialise compactly; the recorded cases show both.
pub fn cause_text(cause: &Value, python_style: bool) -> String {
    match cause {
        Value::String(s) => s.clone(),
        other if python_style => {
            let mut out = String::new();
            python_json(other, &mut out);
            out
        }
        other => other.to_string(),
    }
}

fn python_json(v: &Value, out: &mut String) {
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_json(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_str(k, out);
                out.push_str(": ");
                python_json(x, out);
            }
            out.push('}');
        }
        Value::String(s) => python_str(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// A JSON string with Python's default `ensure_ascii` escaping.
fn python_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_sfn_local_format() {
        let cfg = MockConfig::from_value(&json!({
            "StateMachines": {"Sm": {"TestCases": {"Happy": {"A": "R"}}}},
            "MockedResponses": {"R": {
                "0": {"Throw": {"Error": "E", "Cause": "C"}},
                "1-2": {"Return": {"ok": true}}
            }}
        }))
        .unwrap();
        let case = cfg.test_case("Sm", "Happy").unwrap();
        let r = &case["A"];
        assert!(matches!(r.answer(0), Some(MockAnswer::Throw { error, .. }) if error == "E"));
        assert_eq!(r.answer(2), Some(&MockAnswer::Return(json!({"ok": true}))));
        assert_eq!(r.answer(3), None);
        assert!(cfg.test_case("Sm", "Nope").is_err());
        assert!(cfg.test_case("Other", "Happy").is_err());
    }

    #[test]
    fn rejects_malformed_configs_with_locations() {
        let e = MockConfig::from_value(&json!({
            "StateMachines": {"Sm": {"TestCases": {"C": {"A": "Missing"}}}},
            "MockedResponses": {}
        }))
        .unwrap_err();
        assert_eq!(e.location, "$.StateMachines.Sm.TestCases.C.A");
        let e = MockConfig::from_value(&json!({
            "StateMachines": {},
            "MockedResponses": {"R": {"x": {"Return": 1}}}
        }))
        .unwrap_err();
        assert_eq!(e.location, "$.MockedResponses.R.x");
        assert!(MockConfig::parse("{").is_err());
        let e = MockConfig::from_value(&json!({
            "StateMachines": {},
            "MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}
        }))
        .unwrap_err();
        assert_eq!(e.location, "$.MockedResponses.R.0");
    }

    #[test]
    fn causes_serialise_by_integration() {
        let c = json!({"errorMessage": "é x", "trace": ["a\n"]});
        assert_eq!(
            cause_text(&c, true),
            "{\"errorMessage\": \"\\u00e9 x\", \"trace\": [\"a\\n\"]}"
        );
        assert_eq!(
            cause_text(&c, false),
            "{\"errorMessage\":\"é x\",\"trace\":[\"a\\n\"]}"
        );
        assert_eq!(cause_text(&json!("plain"), true), "plain");
    }

    #[test]
    fn cases_round_trip_through_json() {
        let cfg = MockConfig::single_case(
            "Sm",
            "C",
            json!({"A": {"0": {"Return": 1}, "1-3": {"Throw": {"Error": "E", "Cause": "c"}}}})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        let case = cfg.test_case("Sm", "C").unwrap();
        let back = case_from_json(&case_to_json(&case)).unwrap();
        assert_eq!(back["A"].answer(2), case["A"].answer(2));
        assert_eq!(back["A"].answer(0), Some(&MockAnswer::Return(json!(1))));
    }
}
