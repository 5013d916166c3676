//! JSONata expressions as a definition holds them: the text between `{%` and `%}`, parsed
//! once when the definition is loaded, with what its evaluation will need worked out ahead.
//!
//! The JSONata crate is used here (parsing) and in `data::jsonata` (evaluation), nowhere
//! else, so replacing it touches those two modules.

use super::diagnostic::code;
use jsonata_core::ast::AstNode;
use serde_json::Value;
use std::fmt;

/// The text inside `{% ... %}` when `s` is a JSONata expression string: AWS takes a string
/// as an expression only when the delimiters open and close it, with nothing outside them.
pub fn expression_text(s: &str) -> Option<&str> {
    let inner = s.strip_prefix("{%")?.strip_suffix("%}")?;
    Some(inner)
}

/// Which parts of `$states` an expression reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatesUse {
    /// `$states.input`.
    pub input: bool,
    /// `$states.result`.
    pub result: bool,
    /// `$states.errorOutput`.
    pub error_output: bool,
    /// `$states.context`.
    pub context: bool,
    /// `$states.errorOutput` named as such (not only through the whole of `$states`).
    pub names_error_output: bool,
}

/// The functions Step Functions adds to JSONata or takes from our clock and random source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostFunction {
    /// `$partition(array, size)`.
    Partition,
    /// `$range(start, end, step)`.
    Range,
    /// `$hash(data, algorithm)`.
    Hash,
    /// `$random([seed])`.
    Random,
    /// `$uuid()`.
    Uuid,
    /// `$parse(text)`.
    Parse,
    /// `$now()`, from the execution's clock.
    Now,
    /// `$millis()`, from the execution's clock.
    Millis,
    /// `$eval(text)`: refused, as AWS refuses it.
    Eval,
}

impl HostFunction {
    const ALL: [(&'static str, HostFunction); 9] = [
        ("partition", HostFunction::Partition),
        ("range", HostFunction::Range),
        ("hash", HostFunction::Hash),
        ("random", HostFunction::Random),
        ("uuid", HostFunction::Uuid),
        ("parse", HostFunction::Parse),
        ("now", HostFunction::Now),
        ("millis", HostFunction::Millis),
        ("eval", HostFunction::Eval),
    ];

    /// The name the expression calls it by (without `$`).
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .expect("every host function is listed")
    }

    fn named(name: &str) -> Option<HostFunction> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }
}

/// Where a [`Shortcut::Lookup`] starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupRoot {
    /// `$states.input`.
    Input,
    /// `$states.result`.
    Result,
    /// `$states.errorOutput`.
    ErrorOutput,
    /// A workflow variable.
    Variable(String),
}

/// An expression simple enough to answer without the JSONata evaluator: most fields of
/// real definitions are a literal or a chain of field names, and these run on the JSON
/// the runtime already holds instead of a converted copy.
#[derive(Debug, Clone, PartialEq)]
pub enum Shortcut {
    /// A string, number, Boolean or null literal.
    Literal(Value),
    /// `$states.input.a.b` or `$name.a.b`: field names only.
    Lookup {
        /// The value the chain starts from.
        root: LookupRoot,
        /// The field names, in order.
        keys: Vec<String>,
    },
}

/// A parsed JSONata expression.
pub struct Expression {
    text: Box<str>,
    ast: AstNode,
    variables: Vec<String>,
    states: StatesUse,
    functions: Vec<HostFunction>,
    shortcut: Option<Shortcut>,
}

impl fmt::Debug for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{% {} %}}", self.text)
    }
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// Why an expression was refused, with the diagnostic code AWS gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressionError {
    /// `INVALID_JSONATA_EXPRESSION` (it does not parse) or `UNSUPPORTED_JSONATA_EXPRESSION`
    /// (it parses but reads what Step Functions does not offer).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

impl ExpressionError {
    fn invalid(message: impl Into<String>) -> Self {
        ExpressionError {
            code: code::INVALID_JSONATA_EXPRESSION,
            message: message.into(),
        }
    }

    fn unsupported(message: impl Into<String>) -> Self {
        ExpressionError {
            code: code::UNSUPPORTED_JSONATA_EXPRESSION,
            message: message.into(),
        }
    }
}

impl fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Expression {
    /// Parses the text between the delimiters.
    pub fn parse(text: &str) -> Result<Expression, ExpressionError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ExpressionError::invalid("Unexpected end of expression"));
        }
        let ast = jsonata_core::parser::parse(trimmed)
            .map_err(|e| ExpressionError::invalid(parser_message(&e.to_string())))?;
        let tree =
            serde_json::to_value(&ast).map_err(|e| ExpressionError::invalid(e.to_string()))?;
        let mut walk = Walk::default();
        walk.node(&tree, false);
        if let Some(refused) = walk.refused {
            return Err(ExpressionError::unsupported(refused));
        }
        let shortcut = shortcut(&tree);
        Ok(Expression {
            text: trimmed.into(),
            ast,
            variables: walk.variables,
            states: walk.states,
            functions: walk.functions,
            shortcut,
        })
    }

    /// The expression as written (between the delimiters, trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed expression, for the evaluator.
    pub fn ast(&self) -> &AstNode {
        &self.ast
    }

    /// The workflow variables (and local names) it reads, without `states`.
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    /// The parts of `$states` it reads.
    pub fn states(&self) -> StatesUse {
        self.states
    }

    /// The host functions it calls.
    pub fn functions(&self) -> &[HostFunction] {
        &self.functions
    }

    /// How to answer it without the evaluator, when it is that simple.
    pub fn shortcut(&self) -> Option<&Shortcut> {
        self.shortcut.as_ref()
    }
}

/// The parser's message without its `S0201:`-style code and wrapper words, as AWS shows it.
fn parser_message(m: &str) -> String {
    let mut m = m.strip_prefix("Invalid syntax: ").unwrap_or(m);
    let b = m.as_bytes();
    if b.len() > 6
        && b[0].is_ascii_uppercase()
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b':'
    {
        m = m[6..].trim_start();
    }
    m.to_string()
}

/// What a walk over the serialised syntax tree found.
#[derive(Default)]
struct Walk {
    variables: Vec<String>,
    states: StatesUse,
    functions: Vec<HostFunction>,
    refused: Option<String>,
}

impl Walk {
    /// `nested`: inside a path's later steps or predicates, where `$` and bare names are
    /// relative to the item at hand rather than to a root document that does not exist.
    fn node(&mut self, v: &Value, nested: bool) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    match (k.as_str(), child) {
                        ("Path", Value::Object(p)) => self.path(p, nested),
                        ("Variable", Value::String(name)) => self.variable(name, None, nested),
                        ("ParentVariable", _) => {
                            self.refuse("Reference to '$$' is not supported.".into())
                        }
                        // Sort terms, group-by patterns and transforms are relative to
                        // each item they apply to.
                        ("Sort" | "ObjectTransform", Value::Object(o)) => {
                            for (part, v) in o {
                                self.node(v, nested || part != "input");
                            }
                        }
                        ("Transform", _) => self.node(child, true),
                        ("Function", Value::Object(f)) => {
                            if let Some(h) = f.get("name").and_then(Value::as_str) {
                                self.function(h);
                            }
                            self.node(child, nested);
                        }
                        _ => self.node(child, nested),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.node(i, nested)),
            _ => {}
        }
    }

    /// A path whose first step is `$states` names the part it reads in its second step.
    fn path(&mut self, p: &serde_json::Map<String, Value>, nested: bool) {
        let Some(Value::Array(steps)) = p.get("steps") else {
            return;
        };
        for (i, step) in steps.iter().enumerate() {
            let node = step.get("node");
            if i == 0 {
                match node {
                    Some(Value::Object(n)) if n.contains_key("Variable") => {
                        let name = n["Variable"].as_str().unwrap_or_default();
                        let part = steps
                            .get(1)
                            .and_then(|s| s.get("node"))
                            .and_then(|n| n.get("Name"))
                            .and_then(Value::as_str);
                        self.variable(name, part, nested);
                    }
                    Some(Value::Object(n)) if n.contains_key("Name") && !nested => {
                        let name = n["Name"].as_str().unwrap_or_default();
                        self.refuse(format!(
                            "Reference to '{name}' at the top level is not supported."
                        ));
                    }
                    Some(n) => self.node(n, nested),
                    None => {}
                }
            } else if let Some(n) = node {
                self.node(n, true);
            }
            if let Some(step) = step.as_object() {
                for (k, v) in step {
                    if k != "node" {
                        self.node(v, true);
                    }
                }
            }
        }
    }

    fn refuse(&mut self, why: String) {
        self.refused.get_or_insert(why);
    }

    /// A `$name` read (`part`: the field a `$states` path reads); `$` alone reads the item
    /// at hand, which at the top level is a root document that does not exist.
    fn variable(&mut self, name: &str, part: Option<&str>, nested: bool) {
        match name {
            "" if !nested => self.refuse("Reference to '$' is not supported.".into()),
            "" => {}
            "states" => match part {
                Some("input") => self.states.input = true,
                Some("result") => self.states.result = true,
                Some("errorOutput") => {
                    self.states.error_output = true;
                    self.states.names_error_output = true;
                }
                Some("context") => self.states.context = true,
                Some(_) => {}
                None => {
                    self.states = StatesUse {
                        input: true,
                        result: true,
                        error_output: true,
                        context: true,
                        ..self.states
                    }
                }
            },
            _ if !self.variables.iter().any(|v| v == name) => self.variables.push(name.into()),
            _ => {}
        }
    }

    fn function(&mut self, name: &str) {
        if let Some(f) = HostFunction::named(name) {
            if !self.functions.contains(&f) {
                self.functions.push(f);
            }
        }
    }
}

/// A literal, or a chain of plain field names from `$states.input`/`.result`/`.errorOutput`
/// or from a variable.
fn shortcut(tree: &Value) -> Option<Shortcut> {
    let (kind, v) = tree.as_object().filter(|m| m.len() == 1)?.iter().next()?;
    match (kind.as_str(), v) {
        ("String", Value::String(_)) | ("Boolean", Value::Bool(_)) => {
            Some(Shortcut::Literal(v.clone()))
        }
        // Whole numbers come out as integers, as the evaluator writes them.
        ("Number", Value::Number(n)) => Some(Shortcut::Literal(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => v.clone(),
        })),
        ("Null", _) => Some(Shortcut::Literal(Value::Null)),
        ("Variable", Value::String(name)) if !name.is_empty() && name != "states" => {
            Some(Shortcut::Lookup {
                root: LookupRoot::Variable(name.clone()),
                keys: Vec::new(),
            })
        }
        ("Path", Value::Object(p)) => {
            let steps = p.get("steps")?.as_array()?;
            let mut names = Vec::with_capacity(steps.len());
            for step in steps {
                let s = step.as_object()?;
                let plain = s.iter().all(|(k, v)| match k.as_str() {
                    "node" => true,
                    "stages" => v.as_array().is_some_and(Vec::is_empty),
                    "is_tuple" => v == &Value::Bool(false),
                    _ => v.is_null(),
                });
                if !plain {
                    return None;
                }
                names.push(s.get("node")?);
            }
            let first = names.first()?.get("Variable")?.as_str()?;
            let mut keys = names[1..]
                .iter()
                .map(|n| n.get("Name").and_then(Value::as_str).map(String::from))
                .collect::<Option<Vec<_>>>()?;
            let root = match first {
                "" => return None,
                "states" => {
                    let part = keys.first()?.clone();
                    keys.remove(0);
                    match part.as_str() {
                        "input" => LookupRoot::Input,
                        "result" => LookupRoot::Result,
                        "errorOutput" => LookupRoot::ErrorOutput,
                        _ => return None,
                    }
                }
                name => LookupRoot::Variable(name.into()),
            };
            Some(Shortcut::Lookup { root, keys })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
