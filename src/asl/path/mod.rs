//! JSONPath syntax as ASL uses it: `$` (the state's input), `$$` (the context object), dot and
//! bracket children, indexes, wildcards, slices, unions, recursive descent and filters.
//!
//! Only the syntax lives here, so definitions are checked without evaluating anything; the
//! `data` layer evaluates a parsed [`Path`]. AWS evaluates JSONPath with Jayway's semantics, so
//! error texts elsewhere use Jayway's normalised form (`$['a']['b']`), produced by
//! [`Path::normalized_prefix`].

mod parse;
mod syntax;
#[cfg(test)]
mod tests;

pub use syntax::{
    variable_name_len, CompareOp, Filter, Path, PathSyntaxError, Root, Segment, MAX_FILTER_DEPTH,
};
