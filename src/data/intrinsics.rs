//! Evaluation of the 18 intrinsic functions. A bad argument is `States.IntrinsicFailure`
//! naming the function and the argument.

use super::error::StatesError;
use super::scope::Scope;
use crate::asl::intrinsic::{Arg, Call, Function};
use base64::Engine;
use serde_json::Value;

/// AWS caps string arguments of Base64Encode/Decode and Hash at 10,000 characters.
const MAX_STRING_ARG: usize = 10_000;
/// AWS caps States.ArrayRange results at 1,000 elements.
pub(crate) const MAX_RANGE: usize = 1_000;

/// Evaluates a call; `field` names the template field for error messages.
pub fn eval(call: &Call, scope: &mut Scope, field: &str) -> Result<Value, StatesError> {
    let mut args = Vec::with_capacity(call.args.len());
    for a in &call.args {
        args.push(match a {
            Arg::Literal(v) => v.clone(),
            Arg::Path(p) => scope.resolve_owned(p, field)?,
            Arg::Call(c) => eval(c, scope, field)?,
        });
    }
    apply(call.function, args, scope)
}

fn fail(f: Function, msg: impl std::fmt::Display) -> StatesError {
    StatesError::intrinsic(format!("{}: {msg}", f.name()))
}

fn string(f: Function, v: &Value, what: &str) -> Result<String, StatesError> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| fail(f, format!("the {what} argument must be a string, got {v}")))
}

fn array(f: Function, v: Value, what: &str) -> Result<Vec<Value>, StatesError> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(fail(
            f,
            format!("the {what} argument must be an array, got {other}"),
        )),
    }
}

/// An integer argument; AWS accepts numbers with no fractional part.
fn integer(f: Function, v: &Value, what: &str) -> Result<i64, StatesError> {
    if let Some(i) = v.as_i64() {
        return Ok(i);
    }
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(x as i64),
        _ => Err(fail(
            f,
            format!("the {what} argument must be an integer, got {v}"),
        )),
    }
}

/// Java's `Math.round`: half-way values go up (towards positive infinity), which is what
/// AWS's MathAdd and MathRandom do to non-integer arguments.
fn java_round(f: Function, v: &Value, what: &str) -> Result<i64, StatesError> {
    let x = v
        .as_f64()
        .ok_or_else(|| fail(f, format!("the {what} argument must be a number, got {v}")))?;
    if !(-2_147_483_648.0..=2_147_483_647.0).contains(&x) {
        return Err(fail(
            f,
            format!("the {what} argument {v} is outside the 32-bit integer range"),
        ));
    }
    Ok((x + 0.5).floor() as i64)
}

/// The text of a value as States.Format inserts it. AWS renders values the way Java's
/// `toString` does: strings bare, objects as `{k=v, k2=v2}`, arrays as `[a, b]`.
fn format_arg(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", format_arg(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(format_arg).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

fn apply(f: Function, mut args: Vec<Value>, scope: &mut Scope) -> Result<Value, StatesError> {
    use Function::*;
    let arg = |args: &mut Vec<Value>, i: usize| std::mem::take(&mut args[i]);
    Ok(match f {
        Format => {
            let template = string(f, &args[0], "first")?;
            format(f, &template, &args[1..])?
        }
        StringToJson => {
            let s = string(f, &args[0], "first")?;
            if s.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&s)
                    .map_err(|e| fail(f, format!("the argument is not valid JSON: {e}")))?
            }
        }
        JsonToString => Value::String(args[0].to_string()),
        Array => Value::Array(args),
        ArrayPartition => {
            let size = integer(f, &args[1], "chunk size")?;
            if size <= 0 {
                return Err(fail(f, "the chunk size must be greater than 0"));
            }
            let a = array(f, arg(&mut args, 0), "first")?;
            Value::Array(
                a.chunks(size as usize)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            )
        }
        ArrayContains => {
            let needle = arg(&mut args, 1);
            let a = array(f, arg(&mut args, 0), "first")?;
            Value::Bool(a.iter().any(|v| json_eq(v, &needle)))
        }
        ArrayRange => {
            let start = integer(f, &args[0], "start")?;
            let end = integer(f, &args[1], "end")?;
            let step = integer(f, &args[2], "step")?;
            if step == 0 {
                return Err(fail(f, "the step cannot be 0"));
            }
            let values = inclusive_range(start, end, step)
                .ok_or_else(|| fail(f, format!("the result exceeds {MAX_RANGE} elements")))?;
            Value::Array(values.into_iter().map(Value::from).collect())
        }
        ArrayGetItem => {
            let idx = integer(f, &args[1], "index")?;
            let a = array(f, arg(&mut args, 0), "first")?;
            usize::try_from(idx)
                .ok()
                .and_then(|i| a.into_iter().nth(i))
                .ok_or_else(|| fail(f, format!("the index {idx} is out of bounds")))?
        }
        ArrayLength => Value::from(array(f, arg(&mut args, 0), "first")?.len()),
        ArrayUnique => {
            // One canonical text per class of equal values: linear, where comparing each
            // value with every one kept was quadratic (36,000 values took seconds).
            let a = array(f, arg(&mut args, 0), "first")?;
            let mut seen = std::collections::HashSet::with_capacity(a.len());
            let mut out: Vec<Value> = Vec::with_capacity(a.len());
            for v in a {
                let mut key = String::new();
                canonical(&v, &mut key);
                if seen.insert(key) {
                    out.push(v);
                }
            }
            Value::Array(out)
        }
        Base64Encode => {
            let s = bounded_string(f, &args[0])?;
            Value::String(base64::engine::general_purpose::STANDARD.encode(s.as_bytes()))
        }
        Base64Decode => {
            let s = bounded_string(f, &args[0])?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|e| fail(f, format!("the argument is not valid base64: {e}")))?;
            Value::String(
                String::from_utf8(bytes)
                    .map_err(|_| fail(f, "the decoded bytes are not UTF-8 text"))?,
            )
        }
        Hash => {
            let data = match &args[0] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if data.chars().count() > MAX_STRING_ARG {
                return Err(fail(
                    f,
                    format!("the input exceeds {MAX_STRING_ARG} characters"),
                ));
            }
            let alg = string(f, &args[1], "algorithm")?;
            Value::String(hash(f, &alg, data.as_bytes())?)
        }
        JsonMerge => {
            if args[2] != Value::Bool(false) {
                return Err(fail(
                    f,
                    "only shallow merges are supported: the third argument must be false",
                ));
            }
            let b = arg(&mut args, 1);
            let a = arg(&mut args, 0);
            match (a, b) {
                (Value::Object(mut a), Value::Object(b)) => {
                    a.extend(b);
                    Value::Object(a)
                }
                _ => return Err(fail(f, "both arguments must be JSON objects")),
            }
        }
        MathRandom => {
            use rand::{Rng, SeedableRng};
            let start = java_round(f, &args[0], "start")?;
            let end = java_round(f, &args[1], "end")?;
            if start >= end {
                return Err(fail(f, "the start must be smaller than the end"));
            }
            let n = if let Some(seed) = args.get(2) {
                let seed = integer(f, seed, "seed")?;
                rand::rngs::SmallRng::seed_from_u64(seed as u64).gen_range(start..end)
            } else {
                scope.rng.gen_range(start..end)
            };
            Value::from(n)
        }
        MathAdd => {
            let a = java_round(f, &args[0], "first")?;
            let b = java_round(f, &args[1], "second")?;
            Value::from(a + b)
        }
        StringSplit => {
            let s = string(f, &args[0], "first")?;
            let delims: std::collections::HashSet<char> =
                string(f, &args[1], "delimiter")?.chars().collect();
            Value::Array(
                s.split(|c| delims.contains(&c))
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.to_string()))
                    .collect(),
            )
        }
        Uuid => {
            let bytes: [u8; 16] = rand::Rng::gen(&mut scope.rng);
            Value::String(
                uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .to_string(),
            )
        }
    })
}

/// `start`, `start + step`, ... up to and including `end` (States.ArrayRange, JSONata's
/// `$range`); `None` past [`MAX_RANGE`] values. A step of 0 gives none.
pub(crate) fn inclusive_range(start: i64, end: i64, step: i64) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i <= end) || (step < 0 && i >= end) {
        if out.len() == MAX_RANGE {
            return None;
        }
        out.push(i);
        match i.checked_add(step) {
            Some(next) => i = next,
            None => break,
        }
    }
    Some(out)
}

fn bounded_string(f: Function, v: &Value) -> Result<String, StatesError> {
    let s = string(f, v, "first")?;
    if s.chars().count() > MAX_STRING_ARG {
        return Err(fail(
            f,
            format!("the input exceeds {MAX_STRING_ARG} characters"),
        ));
    }
    Ok(s)
}

fn hash(f: Function, alg: &str, data: &[u8]) -> Result<String, StatesError> {
    digest_hex(alg, data).ok_or_else(|| {
        fail(
            f,
            format!("unsupported algorithm '{alg}' (MD5, SHA-1, SHA-256, SHA-384, SHA-512)"),
        )
    })
}

/// The lowercase hex digest of `data` by an algorithm AWS names (`MD5`, `SHA-1`, `SHA-256`,
/// `SHA-384`, `SHA-512`); `None` for any other name.
pub(crate) fn digest_hex(alg: &str, data: &[u8]) -> Option<String> {
    use sha2::Digest;
    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
    Some(match alg {
        "MD5" => hex(&md5::Md5::digest(data)),
        "SHA-1" => hex(&sha1::Sha1::digest(data)),
        "SHA-256" => hex(&sha2::Sha256::digest(data)),
        "SHA-384" => hex(&sha2::Sha384::digest(data)),
        "SHA-512" => hex(&sha2::Sha512::digest(data)),
        _ => return None,
    })
}

/// A text that two values share exactly when [`json_eq`] holds between them: numbers by
/// their value as f64, object members in key order.
fn canonical(v: &Value, out: &mut String) {
    use std::fmt::Write;
    match v {
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            // 0.0 and -0.0 are equal.
            let _ = write!(out, "n{:x};", if x == 0.0 { 0 } else { x.to_bits() });
        }
        Value::Array(a) => {
            out.push('[');
            for e in a {
                canonical(e, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut members: Vec<_> = m.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (k, e) in members {
                let _ = write!(out, "{}:{k}", k.len());
                canonical(e, out);
            }
            out.push('}');
        }
        other => {
            let _ = write!(out, "{other};");
        }
    }
}

/// JSON equality with numbers compared by value (1 equals 1.0).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// States.Format: `{}` takes the next argument; `\{`, `\}` and `\\` are literal.
fn format(f: Function, template: &str, args: &[Value]) -> Result<Value, StatesError> {
    let mut out = String::with_capacity(template.len());
    let mut next = 0;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('{' | '}' | '\\' | '\'')) => out.push(e),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                let v = args
                    .get(next)
                    .ok_or_else(|| fail(f, "the template has more placeholders than arguments"))?;
                out.push_str(&format_arg(v));
                next += 1;
            }
            c => out.push(c),
        }
    }
    if next != args.len() {
        return Err(fail(
            f,
            "the number of arguments does not match the placeholders",
        ));
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests;
