//! A recorded case: the definition, input and mocked responses AWS ran, and what it
//! recorded (see the conformance README for the format).

use serde_json::{json, Map, Value};
use std::path::Path;

/// One recorded case (see the conformance README for the format).
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's unique id (its file's `id`); cases are sorted by it.
    pub id: String,
    /// The state machine definition AWS ran, as JSON.
    pub definition: Value,
    /// The execution input (`{}` when the case gives none).
    pub input: Value,
    /// The task responses by Task state name, in the `MockedResponses` shape of AWS Step
    /// Functions Local's mock config.
    pub mocks: Map<String, Value>,
    /// Expected strings that match any scalar: values that differ between runs.
    pub wildcards: Vec<String>,
    /// What AWS recorded: `status`, `output` or `error` and `cause`, and `history_types`.
    pub expected: Value,
    /// What the case exercises (`map`, `task`, ...), for counts of passes per feature.
    pub features: Vec<String>,
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
