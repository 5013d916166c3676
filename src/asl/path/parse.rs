//! Reading a JSONPath's text into a [`Path`]: a cursor over its bytes, one step at a time.

use super::syntax::{
    variable_name_len, CompareOp, Filter, Path, PathSyntaxError, Root, Segment, MAX_FILTER_DEPTH,
};

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
