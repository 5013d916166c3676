//! JSONPath evaluation with Jayway's semantics (what AWS runs): a definite path yields one
//! value or fails naming where it failed; an indefinite one yields a list, maybe empty.
//!
//! Evaluation borrows from the document; callers clone only what they keep.

use crate::asl::path::{CompareOp, Filter, Path, Segment};
use serde_json::Value;
use std::cmp::Ordering;

/// What a path selected.
#[derive(Debug, PartialEq)]
pub enum Selected<'a> {
    /// A definite path's one value.
    One(&'a Value),
    /// An indefinite path's values (maybe none).
    Many(Vec<&'a Value>),
}

impl Selected<'_> {
    /// The selection as an owned value: a list becomes an array.
    pub fn to_value(&self) -> Value {
        match self {
            Selected::One(v) => (*v).clone(),
            Selected::Many(vs) => Value::Array(vs.iter().map(|v| (*v).clone()).collect()),
        }
    }
}

/// A definite path step that found nothing, in Jayway's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// Jayway's message: "No results for path: $['a']" when the last step failed,
    /// "Missing property in path $['a']" when an earlier one did.
    pub message: String,
    /// Not a path that found nothing, but one that found too much
    /// ([`MAX_SELECTED`], [`MAX_SELECTED_BYTES`]): the message says so.
    pub too_large: bool,
}

/// Evaluates `path` against `doc` (the input for `$`, the context object for `$$`; the
/// caller picks the document by [`Path::root`]).
pub fn select<'a>(path: &Path, doc: &'a Value) -> Result<Selected<'a>, Missing> {
    select_from(path, 0, doc)
}

/// The most values one path may select. Each descent or union can multiply a selection
/// (`$..a..a..a` over a 700-byte input selects millions), and no payload holds more than
/// a few hundred thousand values anyway.
pub const MAX_SELECTED: usize = 1 << 20;
/// The most bytes (as JSON) a selection may hold: it is copied into the state's data.
pub const MAX_SELECTED_BYTES: usize = 64 << 20;

/// Evaluates the steps of `path` after the first `skip` against `doc` (which the skipped
/// steps already led to); messages still name the whole path.
pub fn select_from<'a>(path: &Path, skip: usize, doc: &'a Value) -> Result<Selected<'a>, Missing> {
    if path.is_definite() {
        return definite(path, skip, doc).map(Selected::One);
    }
    let too_much = || Missing {
        message: format!(
            "The path {} selects more than {MAX_SELECTED} values or {MAX_SELECTED_BYTES} bytes",
            path.as_str()
        ),
        too_large: true,
    };
    let mut current = vec![doc];
    for seg in &path.segments[skip..] {
        let mut next = Vec::new();
        for v in current {
            step(seg, v, &mut next);
            if next.len() > MAX_SELECTED {
                return Err(too_much());
            }
        }
        current = next;
    }
    let mut bytes = 0usize;
    for v in &current {
        bytes += crate::data::size::json_size(v);
        if bytes > MAX_SELECTED_BYTES {
            return Err(too_much());
        }
    }
    Ok(Selected::Many(current))
}

fn definite<'a>(path: &Path, skip: usize, doc: &'a Value) -> Result<&'a Value, Missing> {
    let mut v = doc;
    let n = path.segments.len();
    for (i, seg) in path.segments.iter().enumerate().skip(skip) {
        let found = match seg {
            Segment::Child(name) => v.as_object().and_then(|m| m.get(name)),
            Segment::Index(idx) => v.as_array().and_then(|a| index(a, *idx)),
            _ => unreachable!("definite paths hold only children and indexes"),
        };
        match found {
            Some(x) => v = x,
            None => {
                let message = if i + 1 == n {
                    format!("No results for path: {}", path.normalized_prefix(i + 1))
                } else {
                    format!("Missing property in path {}", path.normalized_prefix(i + 1))
                };
                return Err(Missing {
                    message,
                    too_large: false,
                });
            }
        }
    }
    Ok(v)
}

fn index(a: &[Value], idx: i64) -> Option<&Value> {
    let i = if idx < 0 {
        (a.len() as i64).saturating_add(idx)
    } else {
        idx
    };
    usize::try_from(i).ok().and_then(|i| a.get(i))
}

/// Applies one step to one node, pushing what it selects.
fn step<'a>(seg: &Segment, v: &'a Value, out: &mut Vec<&'a Value>) {
    match seg {
        Segment::Child(name) => out.extend(v.as_object().and_then(|m| m.get(name))),
        Segment::Index(idx) => out.extend(v.as_array().and_then(|a| index(a, *idx))),
        Segment::Wildcard => match v {
            Value::Object(m) => out.extend(m.values()),
            Value::Array(a) => out.extend(a.iter()),
            _ => {}
        },
        Segment::Slice(start, end, step) => {
            if let Value::Array(a) = v {
                slice(a, *start, *end, step.unwrap_or(1), out);
            }
        }
        Segment::Union(parts) => {
            for p in parts {
                self::step(p, v, out);
            }
        }
        Segment::Descend(inner) => descend(inner, v, out),
        Segment::Filter(f) => match v {
            Value::Array(a) => out.extend(a.iter().filter(|e| test(f, e))),
            other if test(f, other) => out.push(other),
            _ => {}
        },
    }
}

fn descend<'a>(inner: &Segment, v: &'a Value, out: &mut Vec<&'a Value>) {
    step(inner, v, out);
    match v {
        Value::Object(m) => m.values().for_each(|c| descend(inner, c, out)),
        Value::Array(a) => a.iter().for_each(|c| descend(inner, c, out)),
        _ => {}
    }
}

fn slice<'a>(
    a: &'a [Value],
    start: Option<i64>,
    end: Option<i64>,
    step: i64,
    out: &mut Vec<&'a Value>,
) {
    // Bounds and steps come from the definition: anything up to i64's limits, so every
    // sum is checked and an index is used only once it is known to be in the array.
    let len = a.len() as i64;
    let norm = |i: i64| {
        if i < 0 {
            len.saturating_add(i).max(0)
        } else {
            i.min(len)
        }
    };
    if step > 0 {
        let (s, e) = (norm(start.unwrap_or(0)), norm(end.unwrap_or(len)));
        let mut i = s;
        while i < e {
            out.push(&a[i as usize]);
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
    } else if step < 0 {
        let s = start.map(norm).unwrap_or(len - 1).min(len - 1);
        let e = end.map(norm).unwrap_or(-1);
        let mut i = s;
        while i > e && i >= 0 {
            out.push(&a[i as usize]);
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
    }
}

/// A relative (`@`) path inside a filter: the first value it reaches.
fn relative<'a>(segs: &[Segment], v: &'a Value) -> Option<&'a Value> {
    let mut current = vec![v];
    for seg in segs {
        let mut next = Vec::new();
        for c in current {
            step(seg, c, &mut next);
        }
        current = next;
    }
    current.into_iter().next()
}

fn test(f: &Filter, v: &Value) -> bool {
    match f {
        Filter::Exists(p) => relative(p, v).is_some(),
        Filter::Compare(p, op, lit) => match relative(p, v) {
            Some(x) => compare(x, *op, lit),
            None => false,
        },
        Filter::And(terms) => terms.iter().all(|t| test(t, v)),
        Filter::Or(terms) => terms.iter().any(|t| test(t, v)),
        Filter::Not(a) => !test(a, v),
    }
}

fn compare(x: &Value, op: CompareOp, lit: &Value) -> bool {
    let ord = match (x, lit) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (a, b) => {
            return match op {
                CompareOp::Eq => a == b,
                CompareOp::Ne => a != b,
                _ => false,
            }
        }
    };
    let Some(ord) = ord else { return false };
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(p: &str, doc: &Value) -> Result<Value, Missing> {
        select(&Path::parse(p).unwrap(), doc).map(|s| s.to_value())
    }

    fn doc() -> Value {
        json!({
            "a": {"b": [10, 20, 30]},
            "items": [{"id": 1, "price": 5, "tag": "x"}, {"id": 2, "price": 15}, {"id": 3, "price": 8, "tag": "y"}],
            "weird key": true
        })
    }

    #[test]
    fn definite_paths() {
        let d = doc();
        assert_eq!(eval("$", &d).unwrap(), d);
        assert_eq!(eval("$.a.b[1]", &d).unwrap(), json!(20));
        assert_eq!(eval("$.a.b[-1]", &d).unwrap(), json!(30));
        assert_eq!(eval("$['weird key']", &d).unwrap(), json!(true));
    }

    #[test]
    fn missing_paths_use_jaywayish_messages() {
        let d = doc();
        assert_eq!(
            eval("$.nope", &d).unwrap_err().message,
            "No results for path: $['nope']"
        );
        assert_eq!(
            eval("$.no.such.path", &d).unwrap_err().message,
            "Missing property in path $['no']"
        );
        assert!(eval("$.a.b[7]", &d).is_err());
        assert!(eval("$.a.b.c", &d).is_err());
    }

    #[test]
    fn indefinite_paths() {
        let d = doc();
        assert_eq!(eval("$.items[*].id", &d).unwrap(), json!([1, 2, 3]));
        assert_eq!(eval("$.a.b[0:2]", &d).unwrap(), json!([10, 20]));
        assert_eq!(eval("$.a.b[::-1]", &d).unwrap(), json!([30, 20, 10]));
        assert_eq!(eval("$.a.b[-2:]", &d).unwrap(), json!([20, 30]));
        assert_eq!(eval("$.a.b[0,2]", &d).unwrap(), json!([10, 30]));
        assert_eq!(eval("$..id", &d).unwrap(), json!([1, 2, 3]));
        assert_eq!(eval("$.items[*].missing", &d).unwrap(), json!([]));
        assert_eq!(eval("$.a.*", &d).unwrap(), json!([[10, 20, 30]]));
    }

    #[test]
    fn filters() {
        let d = doc();
        assert_eq!(
            eval("$.items[?(@.price < 10)].id", &d).unwrap(),
            json!([1, 3])
        );
        assert_eq!(eval("$.items[?(@.tag)].id", &d).unwrap(), json!([1, 3]));
        assert_eq!(
            eval("$.items[?(@.tag == 'y' || @.id == 2)].id", &d).unwrap(),
            json!([2, 3])
        );
        assert_eq!(eval("$.items[?(!@.tag)].id", &d).unwrap(), json!([2]));
        assert_eq!(
            eval("$.items[?(@.price >= 8 && @.price <= 15)].id", &d).unwrap(),
            json!([2, 3])
        );
    }
}
