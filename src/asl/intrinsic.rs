//! The syntax of intrinsic function calls, e.g. `States.Format('{} {}', $.a, States.UUID())`.
//!
//! Parsed once with the definition; the `data` layer evaluates the [`Call`] tree.

use super::path::Path;
use serde_json::Value;

/// The 18 intrinsic functions of ASL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `States.Format`: fills each `{}` of a template string with the next argument.
    Format,
    /// `States.StringToJson`: parses a string as JSON.
    StringToJson,
    /// `States.JsonToString`: serialises a value to its JSON text.
    JsonToString,
    /// `States.Array`: an array of the arguments.
    Array,
    /// `States.ArrayPartition`: splits an array into chunks of a given size.
    ArrayPartition,
    /// `States.ArrayContains`: whether an array holds a given value.
    ArrayContains,
    /// `States.ArrayRange`: the integers from a start to an end (inclusive) by a step.
    ArrayRange,
    /// `States.ArrayGetItem`: the element of an array at an index.
    ArrayGetItem,
    /// `States.ArrayLength`: how many elements an array has.
    ArrayLength,
    /// `States.ArrayUnique`: an array with duplicate values removed, first occurrences kept.
    ArrayUnique,
    /// `States.Base64Encode`: the Base64 encoding of a string.
    Base64Encode,
    /// `States.Base64Decode`: the string that a Base64 text encodes.
    Base64Decode,
    /// `States.Hash`: the hex digest of a value under a named algorithm (`SHA-256`, `MD5`, ...).
    Hash,
    /// `States.JsonMerge`: two objects' keys combined, the second's winning; only the shallow
    /// merge is supported.
    JsonMerge,
    /// `States.MathRandom`: a random integer from a start up to (not including) an end,
    /// optionally seeded.
    MathRandom,
    /// `States.MathAdd`: the sum of two integers.
    MathAdd,
    /// `States.StringSplit`: a string cut at any of the delimiter characters, empty parts
    /// dropped.
    StringSplit,
    /// `States.UUID`: a random (version 4) UUID.
    Uuid,
}

impl Function {
    /// Looks a function up by its ASL name (`States.Format`).
    pub fn from_name(name: &str) -> Option<Function> {
        use Function::*;
        Some(match name {
            "States.Format" => Format,
            "States.StringToJson" => StringToJson,
            "States.JsonToString" => JsonToString,
            "States.Array" => Array,
            "States.ArrayPartition" => ArrayPartition,
            "States.ArrayContains" => ArrayContains,
            "States.ArrayRange" => ArrayRange,
            "States.ArrayGetItem" => ArrayGetItem,
            "States.ArrayLength" => ArrayLength,
            "States.ArrayUnique" => ArrayUnique,
            "States.Base64Encode" => Base64Encode,
            "States.Base64Decode" => Base64Decode,
            "States.Hash" => Hash,
            "States.JsonMerge" => JsonMerge,
            "States.MathRandom" => MathRandom,
            "States.MathAdd" => MathAdd,
            "States.StringSplit" => StringSplit,
            "States.UUID" => Uuid,
            _ => return None,
        })
    }

    /// The ASL name.
    pub fn name(self) -> &'static str {
        use Function::*;
        match self {
            Format => "States.Format",
            StringToJson => "States.StringToJson",
            JsonToString => "States.JsonToString",
            Array => "States.Array",
            ArrayPartition => "States.ArrayPartition",
            ArrayContains => "States.ArrayContains",
            ArrayRange => "States.ArrayRange",
            ArrayGetItem => "States.ArrayGetItem",
            ArrayLength => "States.ArrayLength",
            ArrayUnique => "States.ArrayUnique",
            Base64Encode => "States.Base64Encode",
            Base64Decode => "States.Base64Decode",
            Hash => "States.Hash",
            JsonMerge => "States.JsonMerge",
            MathRandom => "States.MathRandom",
            MathAdd => "States.MathAdd",
            StringSplit => "States.StringSplit",
            Uuid => "States.UUID",
        }
    }

    /// Allowed argument counts (inclusive), checked when the definition is parsed.
    fn arity(self) -> (usize, usize) {
        use Function::*;
        match self {
            Format => (1, usize::MAX),
            Array => (0, usize::MAX),
            StringToJson | JsonToString | ArrayLength | ArrayUnique | Base64Encode
            | Base64Decode => (1, 1),
            ArrayPartition | ArrayContains | ArrayGetItem | Hash | MathAdd | StringSplit => (2, 2),
            ArrayRange | JsonMerge => (3, 3),
            MathRandom => (2, 3),
            Uuid => (0, 0),
        }
    }
}

/// An argument of an intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A string, number, boolean or null literal.
    Literal(Value),
    /// `$.x` or `$$.x`.
    Path(Path),
    /// A nested call.
    Call(Call),
}

/// A parsed intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The `States.` function the call names.
    pub function: Function,
    /// The arguments in order; their count is checked against the function when parsed.
    pub args: Vec<Arg>,
}

/// Why an intrinsic call did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid intrinsic function call '{text}': {reason}")]
pub struct IntrinsicSyntaxError {
    /// The whole call as written in the definition.
    pub text: String,
    /// What is wrong with it, such as an unknown function or a missing `)`.
    pub reason: String,
}

/// True when a `.$` field's string is an intrinsic call rather than a path.
pub fn looks_like_call(s: &str) -> bool {
    s.trim_start().starts_with("States.")
}

impl Call {
    /// Parses `States.Name(args...)`.
    pub fn parse(text: &str) -> Result<Call, IntrinsicSyntaxError> {
        let mut p = Parser {
            src: text,
            i: 0,
            depth: 0,
        };
        let call = p.call().map_err(|reason| IntrinsicSyntaxError {
            text: text.to_string(),
            reason,
        })?;
        p.ws();
        if p.i != text.len() {
            return Err(IntrinsicSyntaxError {
                text: text.to_string(),
                reason: format!("unexpected '{}' after the call", &text[p.i..]),
            });
        }
        Ok(call)
    }
}

struct Parser<'a> {
    src: &'a str,
    i: usize,
    depth: usize,
}

/// Deeply nested calls would recurse without bound on hostile input.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.src[self.i..]
    }

    fn ws(&mut self) {
        while self.rest().starts_with([' ', '\t', '\n', '\r']) {
            self.i += 1;
        }
    }

    fn call(&mut self) -> Result<Call, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("calls nested too deeply".into());
        }
        self.ws();
        let name_len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .unwrap_or(self.rest().len());
        let name = self.rest()[..name_len].to_string();
        let function =
            Function::from_name(&name).ok_or_else(|| format!("unknown function '{name}'"))?;
        self.i += name_len;
        self.ws();
        if !self.rest().starts_with('(') {
            return Err(format!("expected '(' after {name}"));
        }
        self.i += 1;
        let mut args = Vec::new();
        self.ws();
        if self.rest().starts_with(')') {
            self.i += 1;
        } else {
            loop {
                args.push(self.arg()?);
                self.ws();
                if self.rest().starts_with(',') {
                    self.i += 1;
                } else if self.rest().starts_with(')') {
                    self.i += 1;
                    break;
                } else {
                    return Err(format!("expected ',' or ')' in {name}"));
                }
            }
        }
        let (lo, hi) = function.arity();
        if args.len() < lo || args.len() > hi {
            return Err(format!(
                "{name} takes {} argument(s), got {}",
                if lo == hi {
                    lo.to_string()
                } else if hi == usize::MAX {
                    format!("at least {lo}")
                } else {
                    format!("{lo} to {hi}")
                },
                args.len()
            ));
        }
        self.depth -= 1;
        Ok(Call { function, args })
    }

    fn arg(&mut self) -> Result<Arg, String> {
        self.ws();
        let rest = self.rest();
        if rest.starts_with('\'') {
            return self.string().map(|s| Arg::Literal(Value::String(s)));
        }
        if rest.starts_with("States.") {
            return self.call().map(Arg::Call);
        }
        if rest.starts_with('$') {
            let end = self.path_end();
            let text = &self.src[self.i..end];
            let path = Path::parse(text.trim_end()).map_err(|e| e.to_string())?;
            self.i = end;
            return Ok(Arg::Path(path));
        }
        let end = rest.find([',', ')']).unwrap_or(rest.len());
        let tok = rest[..end].trim();
        let v: Value = serde_json::from_str(tok).map_err(|_| format!("bad argument '{tok}'"))?;
        if v.is_object() || v.is_array() {
            return Err(format!("bad argument '{tok}'"));
        }
        self.i += end;
        Ok(Arg::Literal(v))
    }

    /// A path argument runs to the next top-level ',' or ')', skipping brackets and quotes.
    fn path_end(&self) -> usize {
        let mut depth = 0i32;
        let mut quote: Option<char> = None;
        for (off, c) in self.rest().char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '[' | '(') => depth += 1,
                (None, ']') => depth -= 1,
                (None, ')') if depth > 0 => depth -= 1,
                (None, ',' | ')') if depth == 0 => return self.i + off,
                _ => {}
            }
        }
        self.src.len()
    }

    /// A single-quoted string; `\'`, `\{`, `\}` and `\\` keep their escape for Format to
    /// interpret, except `\'` and `\\`, which become the plain character.
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((off, c)) = chars.next() {
            match c {
                '\'' => {
                    self.i += off + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, '\'')) => out.push('\''),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, c @ ('{' | '}'))) => {
                        out.push('\\');
                        out.push(c);
                    }
                    Some((_, c)) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => return Err("unterminated string".into()),
                },
                c => out.push(c),
            }
        }
        Err("unterminated string".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_nested_calls() {
        let c =
            Call::parse("States.Format('{} and {}', $.a, States.ArrayLength($.b[0:2]))").unwrap();
        assert_eq!(c.function, Function::Format);
        assert_eq!(c.args.len(), 3);
        assert_eq!(c.args[0], Arg::Literal(json!("{} and {}")));
        assert!(matches!(&c.args[1], Arg::Path(p) if p.as_str() == "$.a"));
        assert!(matches!(&c.args[2], Arg::Call(inner) if inner.function == Function::ArrayLength));
    }

    #[test]
    fn literals() {
        let c = Call::parse("States.Array(1, -2.5, true, null, 'x\\'y')").unwrap();
        assert_eq!(
            c.args,
            vec![
                Arg::Literal(json!(1)),
                Arg::Literal(json!(-2.5)),
                Arg::Literal(json!(true)),
                Arg::Literal(Value::Null),
                Arg::Literal(json!("x'y")),
            ]
        );
        assert_eq!(Call::parse("States.UUID()").unwrap().args, vec![]);
    }

    #[test]
    fn errors() {
        for bad in [
            "States.Nope()",
            "States.UUID(1)",
            "States.MathAdd(1)",
            "States.Array(",
            "States.Array('x)",
            "States.Array(1) x",
            "States.Array({})",
        ] {
            assert!(Call::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut s = String::new();
        for _ in 0..200 {
            s.push_str("States.Array(");
        }
        s.push_str(&")".repeat(200));
        assert!(Call::parse(&s).is_err());
    }
}
