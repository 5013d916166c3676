//! JSONPath syntax as ASL uses it: `$` (the state's input), `$$` (the context object), dot and
//! bracket children, indexes, wildcards, slices, unions, recursive descent and filters.
//!
//! Only the syntax lives here, so definitions are checked without evaluating anything; the
//! `data` layer evaluates a parsed [`Path`]. AWS evaluates JSONPath with Jayway's semantics, so
//! error texts elsewhere use Jayway's normalised form (`$['a']['b']`), produced by
//! [`Path::normalized_prefix`].

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
    Not(Box<Filter>),
}

/// How deeply filters may nest (`!`, parentheses, filters inside a filter's path): the
/// parser, evaluation and drop all recurse once per level.
pub const MAX_FILTER_DEPTH: usize = 64;

/// Comparison operators of filter expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A parsed JSONPath expression. Keeps its source text for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub root: Root,
    pub segments: Vec<Segment>,
    text: String,
}

/// Why a path did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSONPath '{path}': {reason}")]
pub struct PathSyntaxError {
    pub path: String,
    pub reason: String,
}

impl Path {
    /// Parses a JSONPath that starts with `$` or `$$`.
    pub fn parse(text: &str) -> Result<Path, PathSyntaxError> {
        let err = |reason: &str| PathSyntaxError {
            path: text.to_string(),
            reason: reason.to_string(),
        };
        let (root, rest) = if let Some(rest) = text.strip_prefix("$$") {
            (Root::Context, rest)
        } else if let Some(rest) = text.strip_prefix('$') {
            match variable_name_len(rest) {
                0 => (Root::Input, rest),
                _ => (Root::Variable, rest),
            }
        } else {
            return Err(err("a path must start with '$' or '$$'"));
        };
        let name_len = match root {
            Root::Variable => variable_name_len(rest),
            _ => 0,
        };
        let mut p = Cursor {
            s: rest.as_bytes(),
            src: rest,
            i: name_len,
            depth: 0,
        };
        let mut segments = p.segments(false).map_err(|r| err(&r))?;
        if name_len > 0 {
            segments.insert(0, Segment::Child(rest[..name_len].to_string()));
        }
        if p.i != p.s.len() {
            return Err(err(&format!("unexpected '{}'", &rest[p.i..])));
        }
        Ok(Path {
            root,
            segments,
            text: text.to_string(),
        })
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

struct Cursor<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    /// Filter levels open at `i`, up to [`MAX_FILTER_DEPTH`].
    depth: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// Parses steps until the end, or (inside a filter) until a character that cannot
    /// continue a path.
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Segment>, String> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Ok(out),
                Some(b'.') => {
                    self.i += 1;
                    if self.eat(b'.') {
                        let inner = if self.peek() == Some(b'[') {
                            self.i += 1;
                            self.bracket()?
                        } else {
                            self.dot_name()?
                        };
                        out.push(Segment::Descend(Box::new(inner)));
                    } else {
                        out.push(self.dot_name()?);
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    out.push(self.bracket()?);
                }
                Some(_) if in_filter => return Ok(out),
                Some(c) => return Err(format!("unexpected character '{}'", c as char)),
            }
        }
    }

    fn dot_name(&mut self) -> Result<Segment, String> {
        if self.eat(b'*') {
            return Ok(Segment::Wildcard);
        }
        let start = self.i;
        while let Some(c) = self.peek() {
            if matches!(
                c,
                b'.' | b'[' | b']' | b' ' | b')' | b'=' | b'<' | b'>' | b'!' | b'&' | b'|'
            ) {
                break;
            }
            self.i += 1;
        }
        if start == self.i {
            return Err("empty member name".into());
        }
        Ok(Segment::Child(self.src[start..self.i].to_string()))
    }

    fn quoted(&mut self) -> Result<String, String> {
        let q = self.peek().ok_or("unterminated bracket")?;
        self.i += 1;
        let mut out = String::new();
        loop {
            let rest = &self.src[self.i..];
            let c = rest.chars().next().ok_or("unterminated string")?;
            self.i += c.len_utf8();
            if c as u32 == q as u32 {
                return Ok(out);
            }
            // Jayway: a backslash escapes only the quote that delimits the name; before
            // anything else it is a literal backslash.
            if c == '\\' && self.src[self.i..].starts_with(q as char) {
                self.i += 1;
                out.push(q as char);
            } else {
                out.push(c);
            }
        }
    }

    fn int(&mut self) -> Result<Option<i64>, String> {
        self.skip_ws();
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let t = &self.src[start..self.i];
        self.skip_ws();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<i64>()
            .map(Some)
            .map_err(|_| format!("bad number '{t}'"))
    }

    /// After `[`: index, name, wildcard, slice, union or filter, through the closing `]`.
    fn bracket(&mut self) -> Result<Segment, String> {
        self.skip_ws();
        let seg = match self.peek() {
            Some(b'*') => {
                self.i += 1;
                Segment::Wildcard
            }
            Some(b'?') => {
                self.i += 1;
                self.skip_ws();
                if !self.eat(b'(') {
                    return Err("expected '(' after '?'".into());
                }
                let f = self.nested(|c| c.filter_or())?;
                self.skip_ws();
                if !self.eat(b')') {
                    return Err("expected ')' closing the filter".into());
                }
                Segment::Filter(f)
            }
            Some(b'\'' | b'"') => {
                let mut names = vec![Segment::Child(self.quoted()?)];
                self.skip_ws();
                while self.eat(b',') {
                    self.skip_ws();
                    names.push(Segment::Child(self.quoted()?));
                    self.skip_ws();
                }
                if names.len() == 1 {
                    names.pop().expect("one name")
                } else {
                    Segment::Union(names)
                }
            }
            _ => {
                let first = self.int()?;
                if self.peek() == Some(b':') {
                    self.i += 1;
                    let end = self.int()?;
                    let step = if self.eat(b':') { self.int()? } else { None };
                    if step == Some(0) {
                        return Err("slice step cannot be 0".into());
                    }
                    Segment::Slice(first, end, step)
                } else {
                    let first = first.ok_or("expected an index, name, '*', slice or filter")?;
                    let mut idx = vec![Segment::Index(first)];
                    while self.eat(b',') {
                        idx.push(Segment::Index(self.int()?.ok_or("expected an index")?));
                    }
                    if idx.len() == 1 {
                        idx.pop().expect("one index")
                    } else {
                        Segment::Union(idx)
                    }
                }
            }
        };
        self.skip_ws();
        if !self.eat(b']') {
            return Err("expected ']'".into());
        }
        Ok(seg)
    }

    /// Parses `inner` one filter level deeper, refusing past [`MAX_FILTER_DEPTH`].
    fn nested<T>(
        &mut self,
        inner: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<T, String> {
        if self.depth >= MAX_FILTER_DEPTH {
            return Err(format!(
                "filters are nested more than {MAX_FILTER_DEPTH} levels deep"
            ));
        }
        self.depth += 1;
        let r = inner(self);
        self.depth -= 1;
        r
    }

    fn filter_or(&mut self) -> Result<Filter, String> {
        let mut terms = vec![self.filter_and()?];
        loop {
            self.skip_ws();
            if self.src[self.i..].starts_with("||") {
                self.i += 2;
                terms.push(self.filter_and()?);
            } else if terms.len() == 1 {
                return Ok(terms.pop().expect("one term"));
            } else {
                return Ok(Filter::Or(terms));
            }
        }
    }

    fn filter_and(&mut self) -> Result<Filter, String> {
        let mut terms = vec![self.filter_atom()?];
        loop {
            self.skip_ws();
            if self.src[self.i..].starts_with("&&") {
                self.i += 2;
                terms.push(self.filter_atom()?);
            } else if terms.len() == 1 {
                return Ok(terms.pop().expect("one term"));
            } else {
                return Ok(Filter::And(terms));
            }
        }
    }

    fn filter_atom(&mut self) -> Result<Filter, String> {
        self.skip_ws();
        if self.eat(b'!') {
            return self.nested(|c| Ok(Filter::Not(Box::new(c.filter_atom()?))));
        }
        if self.eat(b'(') {
            let f = self.nested(|c| c.filter_or())?;
            self.skip_ws();
            if !self.eat(b')') {
                return Err("expected ')'".into());
            }
            return Ok(f);
        }
        if self.eat(b'@') {
            let path = self.segments(true)?;
            self.skip_ws();
            return match self.op() {
                Some(op) => {
                    let lit = self.literal()?;
                    Ok(Filter::Compare(path, op, lit))
                }
                None => Ok(Filter::Exists(path)),
            };
        }
        let lit = self.literal()?;
        let op = self.op().ok_or("expected a comparison operator")?;
        self.skip_ws();
        if !self.eat(b'@') {
            return Err("a filter comparison needs an '@' path".into());
        }
        let path = self.segments(true)?;
        Ok(Filter::Compare(path, flip(op), lit))
    }

    fn op(&mut self) -> Option<CompareOp> {
        self.skip_ws();
        let rest = &self.src[self.i..];
        let (op, n) = if rest.starts_with("==") {
            (CompareOp::Eq, 2)
        } else if rest.starts_with("!=") {
            (CompareOp::Ne, 2)
        } else if rest.starts_with("<=") {
            (CompareOp::Le, 2)
        } else if rest.starts_with(">=") {
            (CompareOp::Ge, 2)
        } else if rest.starts_with('<') {
            (CompareOp::Lt, 1)
        } else if rest.starts_with('>') {
            (CompareOp::Gt, 1)
        } else {
            return None;
        };
        self.i += n;
        Some(op)
    }

    fn literal(&mut self) -> Result<serde_json::Value, String> {
        self.skip_ws();
        match self.peek() {
            Some(b'\'' | b'"') => Ok(serde_json::Value::String(self.quoted()?)),
            _ => {
                let start = self.i;
                while let Some(c) = self.peek() {
                    if matches!(c, b')' | b' ' | b'&' | b'|' | b'=' | b'<' | b'>' | b'!') {
                        break;
                    }
                    self.i += 1;
                }
                let t = &self.src[start..self.i];
                serde_json::from_str(t).map_err(|_| format!("bad literal '{t}'"))
            }
        }
    }
}

fn flip(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<Segment> {
        Path::parse(p).unwrap().segments
    }

    #[test]
    fn roots() {
        assert_eq!(Path::parse("$").unwrap().root, Root::Input);
        assert_eq!(Path::parse("$$").unwrap().root, Root::Context);
        assert!(Path::parse("$").unwrap().is_root());
        assert!(Path::parse("a.b").is_err());
        assert!(Path::parse("").is_err());
    }

    #[test]
    fn variables() {
        let p = Path::parse("$order.items[0]").unwrap();
        assert_eq!(p.root, Root::Variable);
        assert_eq!(p.variable(), Some("order"));
        assert_eq!(
            p.segments,
            vec![
                Segment::Child("order".into()),
                Segment::Child("items".into()),
                Segment::Index(0)
            ]
        );
        assert_eq!(p.normalized_prefix(2), "$order['items']");
        let bare = Path::parse("$_x1").unwrap();
        assert_eq!(bare.variable(), Some("_x1"));
        assert!(!bare.is_root());
        assert_eq!(Path::parse("$.a").unwrap().variable(), None);
        assert_eq!(Path::parse("$[0]").unwrap().root, Root::Input);
        assert!(Path::parse("$1x").is_err());
    }

    #[test]
    fn children_and_indexes() {
        assert_eq!(
            segs("$.a['b c'][2][-1]"),
            vec![
                Segment::Child("a".into()),
                Segment::Child("b c".into()),
                Segment::Index(2),
                Segment::Index(-1)
            ]
        );
        assert_eq!(segs("$.my-key"), vec![Segment::Child("my-key".into())]);
        assert!(Path::parse("$.a.b[0]").unwrap().is_reference());
        assert!(!Path::parse("$.a[*]").unwrap().is_reference());
    }

    #[test]
    fn wildcards_slices_unions_descent() {
        assert_eq!(
            segs("$.a[*].b"),
            vec![
                Segment::Child("a".into()),
                Segment::Wildcard,
                Segment::Child("b".into())
            ]
        );
        assert_eq!(segs("$[1:3]"), vec![Segment::Slice(Some(1), Some(3), None)]);
        assert_eq!(segs("$[::2]"), vec![Segment::Slice(None, None, Some(2))]);
        assert_eq!(
            segs("$['a','b']"),
            vec![Segment::Union(vec![
                Segment::Child("a".into()),
                Segment::Child("b".into())
            ])]
        );
        assert_eq!(
            segs("$..id"),
            vec![Segment::Descend(Box::new(Segment::Child("id".into())))]
        );
        assert!(Path::parse("$[1:2:0]").is_err());
    }

    #[test]
    fn filters() {
        let s = segs("$.items[?(@.price < 10 && @.tag == 'x')]");
        match &s[1] {
            Segment::Filter(Filter::And(terms)) => {
                assert!(matches!(terms[0], Filter::Compare(_, CompareOp::Lt, _)));
                assert!(matches!(terms[1], Filter::Compare(_, CompareOp::Eq, _)));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            &segs("$[?(10 > @.p)]")[0],
            Segment::Filter(Filter::Compare(_, CompareOp::Lt, _))
        ));
        assert!(matches!(
            &segs("$[?(@.p)]")[0],
            Segment::Filter(Filter::Exists(_))
        ));
        assert!(Path::parse("$[?(@.p <)]").is_err());
    }

    #[test]
    fn syntax_errors() {
        for bad in ["$.", "$[", "$['a'", "$[abc]", "$a.", "$.a]"] {
            assert!(Path::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn normalized() {
        let p = Path::parse("$.no.such[0]").unwrap();
        assert_eq!(p.normalized_prefix(1), "$['no']");
        assert_eq!(p.normalized_prefix(3), "$['no']['such'][0]");
    }
}
