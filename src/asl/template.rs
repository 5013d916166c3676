//! Payload templates: the JSON of Parameters, ResultSelector and ItemSelector, where a key
//! ending in `.$` takes its value from a path or an intrinsic call; in JSONata states, the
//! JSON of Arguments, Output, Assign and the like, where a `{% ... %}` string is an
//! expression.
//!
//! Compiled once: constant subtrees are kept as plain values so evaluation only copies them,
//! and every dynamic field is parsed ahead of time.

use super::diagnostic::code;
use super::intrinsic::{looks_like_call, Call};
use super::jsonata::{expression_text, Expression};
use super::path::Path;
use serde_json::Value;
use std::sync::Arc;

/// A compiled payload template.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// A subtree with no `.$` keys anywhere below it.
    Constant(Value),
    /// An object with at least one dynamic field below it.
    Object(Vec<(String, Template)>),
    /// An array with at least one dynamic element below it.
    Array(Vec<Template>),
    /// The value of a `key.$` field given as a path.
    Path(Path),
    /// The value of a `key.$` field given as an intrinsic call.
    Call(Box<Call>),
    /// A `{% ... %}` string of a JSONata state.
    Expr(Arc<Expression>),
}

/// A template field that did not compile, with the JSON location (`/a/b.$`) relative to the
/// template's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The diagnostic code: a schema error, or a JSONata expression's own code.
    pub code: &'static str,
    /// Where the bad field is, relative to the template's root (`/a/b.$`).
    pub location: String,
    /// Why its value does not compile as a path or an intrinsic call.
    pub message: String,
}

impl Template {
    /// Compiles a template. Every bad `.$` field is reported.
    pub fn compile(value: &Value) -> Result<Template, Vec<TemplateError>> {
        let mut errors = Vec::new();
        let t = compile(value, None, &mut errors);
        if errors.is_empty() {
            Ok(t)
        } else {
            Err(errors)
        }
    }

    /// Compiles the template of a JSONata state: any JSON value, where each string that is
    /// a `{% ... %}` expression, at any depth, is parsed; keys are taken as written.
    pub fn compile_jsonata(value: &Value) -> Result<Template, Vec<TemplateError>> {
        let mut errors = Vec::new();
        let t = compile_jsonata(value, None, &mut errors);
        if errors.is_empty() {
            Ok(t)
        } else {
            Err(errors)
        }
    }

    /// Every JSONata expression in the template, in document order.
    pub fn expressions(&self) -> Vec<&Expression> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Expression>) {
        match self {
            Template::Expr(e) => out.push(e),
            Template::Object(fields) => fields.iter().for_each(|(_, t)| t.collect(out)),
            Template::Array(items) => items.iter().for_each(|t| t.collect(out)),
            _ => {}
        }
    }

    /// True when evaluation needs no input at all.
    pub fn is_constant(&self) -> bool {
        matches!(self, Template::Constant(_))
    }
}

/// Compiles the string of a `.$` field: a path or an intrinsic call.
pub fn compile_dynamic(s: &str) -> Result<Template, String> {
    if looks_like_call(s) {
        Call::parse(s)
            .map(|c| Template::Call(Box::new(c)))
            .map_err(|e| e.to_string())
    } else {
        Path::parse(s)
            .map(Template::Path)
            .map_err(|e| e.to_string())
    }
}

/// Where a node is, as a chain back to the root: rendered only for an error, since
/// formatting every node's location made a large template cost its size times its keys.
struct At<'a> {
    parent: Option<&'a At<'a>>,
    step: Step<'a>,
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn render(at: Option<&At>) -> String {
    let mut steps = Vec::new();
    let mut node = at;
    while let Some(n) = node {
        steps.push(n);
        node = n.parent;
    }
    let mut out = String::new();
    for n in steps.iter().rev() {
        match n.step {
            Step::Key(k) => {
                out.push('/');
                out.push_str(k);
            }
            Step::Index(i) => {
                out.push('/');
                out.push_str(&i.to_string());
            }
        }
    }
    out
}

fn compile(value: &Value, at: Option<&At>, errors: &mut Vec<TemplateError>) -> Template {
    match value {
        Value::Object(map) => {
            let mut fields = Vec::with_capacity(map.len());
            let mut dynamic = false;
            for (k, v) in map {
                let here = At {
                    parent: at,
                    step: Step::Key(k),
                };
                if let Some(name) = k.strip_suffix(".$") {
                    dynamic = true;
                    match v.as_str().map(compile_dynamic) {
                        Some(Ok(t)) => fields.push((name.to_string(), t)),
                        Some(Err(message)) => errors.push(TemplateError {
                            code: code::SCHEMA_VALIDATION_FAILED,
                            location: render(Some(&here)),
                            message,
                        }),
                        None => errors.push(TemplateError {
                            code: code::SCHEMA_VALIDATION_FAILED,
                            location: render(Some(&here)),
                            message: format!(
                                "the value of '{k}' must be a string holding a path or an intrinsic function"
                            ),
                        }),
                    }
                } else {
                    let t = compile(v, Some(&here), errors);
                    dynamic |= !t.is_constant();
                    fields.push((k.clone(), t));
                }
            }
            if dynamic {
                Template::Object(fields)
            } else {
                Template::Constant(value.clone())
            }
        }
        Value::Array(items) => compile_array(value, items, at, errors, compile),
        other => Template::Constant(other.clone()),
    }
}

type Compile = fn(&Value, Option<&At>, &mut Vec<TemplateError>) -> Template;

/// An array: a constant unless an element is dynamic.
fn compile_array(
    value: &Value,
    items: &[Value],
    at: Option<&At>,
    errors: &mut Vec<TemplateError>,
    each: Compile,
) -> Template {
    let ts: Vec<Template> = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let here = At {
                parent: at,
                step: Step::Index(i),
            };
            each(v, Some(&here), errors)
        })
        .collect();
    if ts.iter().all(Template::is_constant) {
        Template::Constant(value.clone())
    } else {
        Template::Array(ts)
    }
}

fn compile_jsonata(value: &Value, at: Option<&At>, errors: &mut Vec<TemplateError>) -> Template {
    match value {
        Value::String(s) => match expression_text(s) {
            None => Template::Constant(value.clone()),
            Some(text) => match Expression::parse(text) {
                Ok(e) => Template::Expr(Arc::new(e)),
                Err(e) => {
                    errors.push(TemplateError {
                        code: e.code,
                        location: render(at),
                        message: e.message,
                    });
                    Template::Constant(Value::Null)
                }
            },
        },
        Value::Object(map) => {
            let fields: Vec<(String, Template)> = map
                .iter()
                .map(|(k, v)| {
                    let here = At {
                        parent: at,
                        step: Step::Key(k),
                    };
                    (k.clone(), compile_jsonata(v, Some(&here), errors))
                })
                .collect();
            if fields.iter().all(|(_, t)| t.is_constant()) {
                Template::Constant(value.clone())
            } else {
                Template::Object(fields)
            }
        }
        Value::Array(items) => compile_array(value, items, at, errors, compile_jsonata),
        other => Template::Constant(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn constant_subtrees_stay_values() {
        let t = Template::compile(&json!({"a": {"b": [1, 2]}, "c.$": "$.x"})).unwrap();
        match t {
            Template::Object(f) => {
                assert_eq!(f[0], ("a".into(), Template::Constant(json!({"b": [1, 2]}))));
                assert!(matches!(&f[1], (k, Template::Path(_)) if k == "c"));
            }
            other => panic!("{other:?}"),
        }
        assert!(Template::compile(&json!([1, {"k": "v"}]))
            .unwrap()
            .is_constant());
    }

    #[test]
    fn dynamic_inside_arrays() {
        let t = Template::compile(&json!([{"v.$": "$"}])).unwrap();
        assert!(matches!(t, Template::Array(_)));
    }

    #[test]
    fn jsonata_templates_parse_expressions_at_any_depth_and_keep_keys() {
        let t =
            Template::compile_jsonata(&json!({"a.$": "$.x", "b": ["{% 1 + 1 %}", "lit"]})).unwrap();
        let Template::Object(f) = &t else {
            panic!("{t:?}")
        };
        assert_eq!(f[0], ("a.$".into(), Template::Constant(json!("$.x"))));
        assert_eq!(t.expressions().len(), 1);
        assert!(matches!(
            Template::compile_jsonata(&json!("{% $states.input %}")).unwrap(),
            Template::Expr(_)
        ));
        let e = Template::compile_jsonata(&json!({"k": [0, "{% ( %}"]})).unwrap_err();
        assert_eq!(e[0].location, "/k/1");
        assert_eq!(e[0].code, code::INVALID_JSONATA_EXPRESSION);
    }

    #[test]
    fn errors_name_their_field() {
        let e = Template::compile(&json!({"a": {"b.$": 3, "c.$": "nope"}})).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].location, "/a/b.$");
        assert_eq!(e[1].location, "/a/c.$");
    }
}
