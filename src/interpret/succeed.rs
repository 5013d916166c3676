//! Succeed: ends its body successfully with its (filtered) input.

use crate::asl::model::{QueryLanguage, State};
use crate::data::{ContextObject, StatesError};
use serde_json::Value;

pub fn run(
    state: &State,
    raw: Value,
    context: &ContextObject,
    rng: &mut rand::rngs::SmallRng,
) -> Result<Value, StatesError> {
    if state.query == QueryLanguage::Jsonata {
        return super::jsonata_through(state.output.as_ref(), None, raw, context, rng)
            .map(|e| e.output);
    }
    let effective = super::effective_owned(state, raw, context)?;
    super::state_output(state, effective, context)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpret::testing::Fixture;
    use serde_json::json;

    #[test]
    fn input_path_and_output_path_filter_what_the_body_ends_with() {
        let f = Fixture::new(json!({"StartAt": "S", "States": {
            "S": {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}
        }}));
        let rng = &mut crate::interpret::testing::rng();
        let out = run(
            f.state("S"),
            json!({"a": {"b": [1]}, "x": 2}),
            &f.context("S"),
            rng,
        );
        assert_eq!(out.unwrap(), json!([1]));
        let e = run(f.state("S"), json!({"x": 2}), &f.context("S"), rng).unwrap_err();
        assert_eq!(e.error, crate::data::names::RUNTIME);
    }
}
