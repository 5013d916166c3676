//! The parsed form of an ASL JSONPath: its root, its steps and their filters.

use std::fmt;

/// Which document a path starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// `$`: the state's (effective) input.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable; the name is the path's first [`Segment::Child`].
    Variable,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.name` or `['name']`.
    Child(String),
    /// `[3]` or `[-1]` (negative counts from the end).
    Index(i64),
    /// `.*` or `[*]`.
    Wildcard,
    /// `[start:end:step]`.
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// `['a','b']` or `[0,2]`.
    Union(Vec<Segment>),
    /// `..name`, `..*`, `..[0]`: the inner step applied at every depth.
    Descend(Box<Segment>),
    /// `[?(@.price < 10)]`.
    Filter(Filter),
}

/// A filter expression inside `[?( )]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `@.x` alone: the member exists (and is not null/false as Jayway treats it).
    Exists(Vec<Segment>),
    /// `@.x OP literal` or `literal OP @.x` (normalised so the path is on the left).
    Compare(Vec<Segment>, CompareOp, serde_json::Value),
    /// `a && b && ...`, kept flat: a chain of 50,000 terms must not be a tree 50,000 deep,
    /// which dropping or evaluating would walk recursively.
    And(Vec<Filter>),
    /// `a || b || ...`, flat as `And` is.
    Or(Vec<Filter>),
    /// `!expr`: holds when the filter after `!` does not.
    Not(Box<Filter>),
}

/// How deeply filters may nest (`!`, parentheses, filters inside a filter's path): the
/// parser, evaluation and drop all recurse once per level.
pub const MAX_FILTER_DEPTH: usize = 64;

/// Comparison operators of filter expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`: equal.
    Eq,
    /// `!=`: not equal.
    Ne,
    /// `<`: less than.
    Lt,
    /// `<=`: less than or equal.
    Le,
    /// `>`: greater than.
    Gt,
    /// `>=`: greater than or equal.
    Ge,
}

/// A parsed JSONPath expression. Keeps its source text for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The document the path starts from: `$`, `$$` or a variable.
    pub root: Root,
    /// The steps after the root, applied left to right; empty for a bare `$` or `$$`.
    pub segments: Vec<Segment>,
    pub(super) text: String,
}

/// Why a path did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSONPath '{path}': {reason}")]
pub struct PathSyntaxError {
    /// The path text as written in the definition.
    pub path: String,
    /// What is wrong with it, such as an unclosed bracket.
    pub reason: String,
}

impl Path {
    /// `$`: the whole of the state's input (what an absent InputPath or OutputPath means).
    pub fn input() -> Path {
        Path {
            root: Root::Input,
            segments: Vec::new(),
            text: "$".into(),
        }
    }

    /// The source text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `$` or `$$` with no steps.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The variable a `$name...` path reads.
    pub fn variable(&self) -> Option<&str> {
        match (self.root, self.segments.first()) {
            (Root::Variable, Some(Segment::Child(name))) => Some(name),
            _ => None,
        }
    }

    /// A reference path names at most one node: only children and non-negative indexes.
    /// AWS requires this of ResultPath (and of InputPath/OutputPath for a single result).
    pub fn is_reference(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Child(_)) || matches!(s, Segment::Index(i) if *i >= 0))
    }

    /// A definite path yields one value (or none); otherwise the result is a list.
    pub fn is_definite(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Child(_) | Segment::Index(_)))
    }

    /// Jayway's normalised form of the first `n` steps, e.g. `$['a'][0]`, used in AWS's
    /// "Missing property in path $['no']" messages.
    pub fn normalized_prefix(&self, n: usize) -> String {
        let mut out = String::from(if self.root == Root::Context {
            "$$"
        } else {
            "$"
        });
        // A variable's name is written as itself, not as a member of `$`.
        let mut steps = self.segments.iter().take(n);
        if let Some(name) = self.variable() {
            out.push_str(name);
            steps.next();
        }
        for s in steps {
            match s {
                Segment::Child(name) => {
                    out.push_str("['");
                    out.push_str(name);
                    out.push_str("']");
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
                Segment::Wildcard => out.push_str("[*]"),
                _ => out.push_str("[?]"),
            }
        }
        out
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Path {
    type Err = PathSyntaxError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Path::parse(s)
    }
}

/// The length of the variable name that starts `rest` (the text after `$`), 0 if none: a
/// name starts with a letter or `_` and goes on with letters, digits and `_`.
pub fn variable_name_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphabetic() || c == '_' => {}
        _ => return 0,
    }
    chars
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i)
}
