//! Payload templates and the data-flow fields: InputPath → Parameters → (task) →
//! ResultSelector → ResultPath → OutputPath.
//!
//! Values move through the pipeline; the default `$` paths hand the value on without a copy.

use super::error::{names, StatesError};
use super::intrinsics;
use super::scope::Scope;
use crate::asl::model::ResultPath;
use crate::asl::path::{Path, Root, Segment};
use crate::asl::template::Template;
use crate::data::context::ContextObject;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Evaluates a payload template against the scope's input.
pub fn eval_template(t: &Template, scope: &mut Scope) -> Result<Value, StatesError> {
    eval(t, scope, &Loc::Root(""))
}

/// Evaluates the template of the field `field` of a JSONata state (`Output`, `Arguments`,
/// `Assign`, ...): an expression that fails names its place below it (`Output/result`).
pub fn eval_field(t: &Template, scope: &mut Scope, field: &str) -> Result<Value, StatesError> {
    eval(t, scope, &Loc::Root(field))
}

/// Where a template node is, kept as a chain on the stack and written out only for an error.
enum Loc<'a> {
    Root(&'a str),
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl Loc<'_> {
    /// The field a JSONPath error names: the nearest key, with its `.$`.
    fn dollar_field(&self) -> String {
        match self {
            Loc::Root(r) => r.to_string(),
            Loc::Key(_, k) => format!("{k}.$"),
            Loc::Index(p, _) => p.dollar_field(),
        }
    }

    /// The slash-separated location a JSONata error names.
    fn render(&self) -> String {
        match self {
            Loc::Root(r) => r.to_string(),
            Loc::Key(p, k) => join(p.render(), k),
            Loc::Index(p, i) => join(p.render(), &i.to_string()),
        }
    }
}

fn join(mut base: String, step: &str) -> String {
    if !base.is_empty() {
        base.push('/');
    }
    base.push_str(step);
    base
}

fn eval(t: &Template, scope: &mut Scope, at: &Loc) -> Result<Value, StatesError> {
    match t {
        Template::Constant(v) => Ok(v.clone()),
        Template::Object(fields) => {
            let mut m = Map::with_capacity(fields.len());
            for (k, ft) in fields {
                let v = eval(ft, scope, &Loc::Key(at, k))?;
                m.insert(k.clone(), v);
            }
            Ok(Value::Object(m))
        }
        Template::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| eval(item, scope, &Loc::Index(at, i)))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Template::Path(p) => scope.resolve_owned_for(p, || at.dollar_field()),
        Template::Call(c) => intrinsics::eval(c, scope, &at.dollar_field()),
        Template::Expr(e) => super::jsonata::evaluate(e, scope)
            .map_err(|f| super::jsonata::query_error(e, &at.render(), f)),
    }
}

/// InputPath and OutputPath on an owned value: `None` (JSON null) gives `{}`; `$` passes
/// the value through without a copy.
pub fn select_path(
    value: Value,
    path: Option<&Path>,
    context: &ContextObject,
) -> Result<Value, StatesError> {
    match path {
        Some(p) if p.is_root() && p.root == Root::Input => Ok(value),
        _ => select_ref(&value, path, context).map(Cow::into_owned),
    }
}

/// InputPath and OutputPath on a borrowed value: `$` borrows, anything else copies only
/// what it selects.
pub fn select_ref<'a>(
    value: &'a Value,
    path: Option<&Path>,
    context: &ContextObject,
) -> Result<Cow<'a, Value>, StatesError> {
    let Some(path) = path else {
        return Ok(Cow::Owned(Value::Object(Map::new())));
    };
    if path.is_root() && path.root == Root::Input {
        return Ok(Cow::Borrowed(value));
    }
    let (doc, skip) = if path.root == Root::Input {
        (value, 0)
    } else {
        context.doc_for(path)
    };
    crate::data::jsonpath::select_from(path, skip, doc)
        .map(|s| Cow::Owned(s.to_value()))
        .map_err(|m| invalid_path(path, &m.message))
}

/// The value a path names in `input` (or in the context object, or a variable), failing
/// as InputPath does when it names nothing: what the `...Path` fields of states read.
pub fn read_path(
    path: &Path,
    input: &Value,
    context: &ContextObject,
) -> Result<Value, StatesError> {
    select_ref(input, Some(path), context).map(Cow::into_owned)
}

/// AWS's cause for an InputPath/OutputPath (or *SecondsPath) that names nothing.
pub fn invalid_path(path: &Path, message: &str) -> StatesError {
    StatesError::runtime(format!("Invalid path '{}' : {}", path.as_str(), message))
}

/// ResultPath on a borrowed input: copies the input only when the result goes inside it.
pub fn apply_result_path_to(
    input: &Value,
    result: Value,
    rp: &ResultPath,
) -> Result<Value, StatesError> {
    match rp {
        ResultPath::At(p) if p.is_root() => Ok(result),
        _ => apply_result_path(input.clone(), result, rp),
    }
}

/// ResultPath: puts `result` into `input` at the path, creating objects on the way.
pub fn apply_result_path(
    input: Value,
    result: Value,
    rp: &ResultPath,
) -> Result<Value, StatesError> {
    let path = match rp {
        ResultPath::Discard => return Ok(input),
        ResultPath::At(p) if p.is_root() => return Ok(result),
        ResultPath::At(p) => p,
    };
    let mut root = input;
    let mut slot = &mut root;
    for seg in &path.segments {
        slot = match seg {
            Segment::Child(name) => {
                if slot.is_null() {
                    *slot = Value::Object(Map::new());
                }
                let m = match slot {
                    Value::Object(m) => m,
                    other => return Err(result_path_mismatch(path, other)),
                };
                // Looked up before inserted: most paths name a field that is there, and
                // entry() would copy the name each time.
                if !m.contains_key(name.as_str()) {
                    m.insert(name.clone(), Value::Null);
                }
                m.get_mut(name.as_str()).expect("inserted above")
            }
            Segment::Index(i) => {
                let fits = slot.as_array().is_some_and(|a| (*i as usize) < a.len());
                if !fits {
                    return Err(result_path_mismatch(path, slot));
                }
                &mut slot.as_array_mut().expect("checked above")[*i as usize]
            }
            _ => return Err(result_path_mismatch(path, &Value::Null)),
        };
    }
    *slot = result;
    Ok(root)
}

fn result_path_mismatch(path: &Path, at: &Value) -> StatesError {
    StatesError::new(
        names::RESULT_PATH_MATCH_FAILURE,
        format!(
            "Unable to apply ResultPath '{}': the value at the path is {}, not an object",
            path.as_str(),
            kind(at)
        ),
    )
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::context::{ContextObject, ExecutionInfo};
    use rand::SeedableRng;
    use serde_json::json;

    fn info() -> ExecutionInfo {
        crate::data::context::test_execution()
    }

    fn run(t: serde_json::Value, input: serde_json::Value) -> Result<Value, StatesError> {
        let e = info();
        let c = ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH);
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        let mut scope = Scope::new(&input, &c, &mut rng);
        eval_template(&Template::compile(&t).unwrap(), &mut scope)
    }

    #[test]
    fn template_fields() {
        let out = run(
            json!({"a.$": "$.x", "b": {"c.$": "$$.State.Name", "d": 1}, "e": [{"f.$": "$.y[0]"}], "g.$": "States.Array($.x)"}),
            json!({"x": "X", "y": [7]}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"a": "X", "b": {"c": "S", "d": 1}, "e": [{"f": 7}], "g": ["X"]})
        );
    }

    #[test]
    fn template_missing_path_is_runtime_error_naming_the_field() {
        let e = run(json!({"value.$": "$.no_such"}), json!({"a": 1})).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause.unwrap(),
            "The JSONPath '$.no_such' specified for the field 'value.$' could not be found in the input '{\"a\":1}'"
        );
    }

    #[test]
    fn result_path_variants() {
        let rp = |s: &str| ResultPath::At(Path::parse(s).unwrap());
        assert_eq!(
            apply_result_path(json!({"a": 1}), json!(2), &ResultPath::Discard).unwrap(),
            json!({"a": 1})
        );
        assert_eq!(
            apply_result_path(json!({"a": 1}), json!(2), &rp("$")).unwrap(),
            json!(2)
        );
        assert_eq!(
            apply_result_path(json!({"a": 1}), json!(2), &rp("$.b.c")).unwrap(),
            json!({"a": 1, "b": {"c": 2}})
        );
        assert_eq!(
            apply_result_path(json!({"a": [0, 1]}), json!(2), &rp("$.a[1]")).unwrap(),
            json!({"a": [0, 2]})
        );
        let e = apply_result_path(json!("str"), json!(2), &rp("$.a")).unwrap_err();
        assert_eq!(e.error, "States.ResultPathMatchFailure");
    }

    #[test]
    fn input_and_output_paths() {
        let e = info();
        let c = ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH);
        let scope = &c;
        let p = |s: &str| Path::parse(s).unwrap();
        assert_eq!(
            select_path(json!({"a": 1}), None, scope).unwrap(),
            json!({})
        );
        assert_eq!(
            select_path(json!({"a": 1}), Some(&p("$.a")), scope).unwrap(),
            json!(1)
        );
        assert_eq!(
            select_path(json!({"a": 1}), Some(&p("$$.State.Name")), scope).unwrap(),
            json!("S")
        );
        let err = select_path(json!({"a": 1}), Some(&p("$.b")), scope).unwrap_err();
        assert_eq!(
            err.cause.unwrap(),
            "Invalid path '$.b' : No results for path: $['b']"
        );
    }
}
