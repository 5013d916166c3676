//! What an expression is evaluated against: the state's input (and, for JSONata, its result
//! or error output), its context object, and the seedable random source (UUIDs, MathRandom,
//! jitter) so runs can be reproduced.

use super::context::ContextObject;
use super::error::StatesError;
use super::jsonpath::{select, Missing, Selected};
use crate::asl::path::{Path, Root};
use rand::rngs::SmallRng;
use serde_json::Value;

/// The documents and randomness of one evaluation.
pub struct Scope<'a> {
    /// The state's input, which `$` paths read.
    pub input: &'a Value,
    /// The context object, which `$$` paths and `$name` variables read.
    pub context: &'a ContextObject<'a>,
    /// The execution's seeded random source.
    pub rng: &'a mut SmallRng,
    /// `$states.result` of a JSONata state's Output and Assign (Task, Parallel, Map).
    pub result: Option<&'a Value>,
    /// `$states.errorOutput` of a JSONata Catcher's Output and Assign.
    pub error_output: Option<&'a Value>,
}

impl<'a> Scope<'a> {
    /// A scope over this input and context, drawing randomness from `rng`.
    pub fn new(input: &'a Value, context: &'a ContextObject<'a>, rng: &'a mut SmallRng) -> Self {
        Scope {
            input,
            context,
            rng,
            result: None,
            error_output: None,
        }
    }

    /// The same scope with `$states.result` set.
    pub fn with_result(mut self, result: &'a Value) -> Self {
        self.result = Some(result);
        self
    }

    /// The same scope with `$states.errorOutput` set.
    pub fn with_error_output(mut self, error_output: &'a Value) -> Self {
        self.error_output = Some(error_output);
        self
    }

    /// Evaluates `path` against the document its root names (`$`, `$$` or a variable).
    pub fn select(&self, path: &Path) -> Result<Selected<'a>, Missing> {
        match path.root {
            Root::Input => select(path, self.input),
            Root::Context | Root::Variable => {
                let (doc, skip) = self.context.doc_for(path);
                crate::data::jsonpath::select_from(path, skip, doc)
            }
        }
    }

    /// Resolves a path for a payload-template field or intrinsic argument, failing as AWS
    /// does when it finds nothing.
    pub fn resolve_owned(&self, path: &Path, field: &str) -> Result<Value, StatesError> {
        self.resolve_owned_for(path, || field.to_string())
    }

    /// [`Self::resolve_owned`] naming the field only when the path fails: building the
    /// name costs more than most selections.
    pub fn resolve_owned_for(
        &self,
        path: &Path,
        field: impl FnOnce() -> String,
    ) -> Result<Value, StatesError> {
        self.select(path).map(|s| s.to_value()).map_err(|m| {
            if m.too_large {
                StatesError::runtime(m.message)
            } else {
                self.path_not_found(path, &field())
            }
        })
    }

    /// AWS's cause when a path names nothing in the input.
    pub fn path_not_found(&self, path: &Path, field: &str) -> StatesError {
        StatesError::runtime(format!(
            "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
            path.as_str(),
            field,
            self.input
        ))
    }
}
