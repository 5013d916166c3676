use super::*;
use crate::data::context::{test_execution, ContextObject};
use crate::data::Variables;
use proptest::prelude::*;
use rand::SeedableRng;
use serde_json::json;

fn expr(text: &str) -> Expression {
    Expression::parse(text).unwrap()
}

/// Evaluates `text` with `input` as `$states.input`, `result` as `$states.result` and
/// `vars` as the workflow variables; with `shortcut` false, always by the evaluator.
fn evaluated(
    text: &str,
    input: Value,
    result: Option<Value>,
    vars: Value,
    shortcut: bool,
) -> Result<Value, Failure> {
    let e = test_execution();
    let mut variables = Variables::default();
    variables.assign(vars.as_object().cloned().unwrap_or_default());
    let c = ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH).with_variables(&variables);
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    let mut scope = Scope::new(&input, &c, &mut rng);
    scope.result = result.as_ref();
    if shortcut {
        evaluate(&expr(text), &mut scope)
    } else {
        run(&expr(text), &mut scope)
    }
}

fn eval_with(
    text: &str,
    input: Value,
    result: Option<Value>,
    vars: Value,
) -> Result<Value, Failure> {
    evaluated(text, input, result, vars, true)
}

fn eval(text: &str, input: Value) -> Result<Value, Failure> {
    eval_with(text, input, None, json!({}))
}

/// The evaluator alone, without the shortcut.
fn engine(text: &str, input: Value, vars: Value) -> Result<Value, Failure> {
    evaluated(text, input, None, vars, false)
}

#[test]
fn states_variables_and_the_context_are_bound() {
    let input = json!({"a": {"b": 2}, "items": [{"k": 1}, {"k": 2}]});
    assert_eq!(eval("$states.input.a.b * 10", input.clone()), Ok(json!(20)));
    assert_eq!(
        eval("$states.input.items.k", input.clone()),
        Ok(json!([1, 2]))
    );
    assert_eq!(
        eval_with(
            "$states.result.x & $v",
            json!({}),
            Some(json!({"x": "r"})),
            json!({"v": "!"})
        ),
        Ok(json!("r!"))
    );
    assert_eq!(
        eval("$states.context.State.Name", json!({})),
        Ok(json!("S"))
    );
    assert_eq!(
        eval("{'n': $count($states.input.items), 'whole': 3}", input),
        Ok(json!({"n": 2, "whole": 3}))
    );
}

#[test]
fn nothing_and_functions_are_failures_and_errors_keep_their_codes() {
    assert_eq!(eval("$doesNotExist", json!({})), Err(Failure::Undefined));
    assert_eq!(
        eval("$states.input.nope", json!({})),
        Err(Failure::Undefined)
    );
    assert_eq!(
        eval("$fn := function($x){$x}", json!({})),
        Err(Failure::Function)
    );
    let Err(Failure::Thrown(m)) = eval("$randomSeeded(1)", json!({})) else {
        panic!("an unknown function throws")
    };
    assert!(m.starts_with("T1006"), "{m}");
    let err = query_error(&expr("$x"), "Output/result", Failure::Undefined);
    assert_eq!(err.error, "States.QueryEvaluationError");
    assert_eq!(
        err.cause.unwrap(),
        "The JSONata expression '$x' specified for the field 'Output/result' returned nothing (undefined)."
    );
}

#[test]
fn the_functions_aws_adds_behave_as_recorded() {
    assert_eq!(eval("$range(0, 9, 3)", json!({})), Ok(json!([0, 3, 6, 9])));
    assert_eq!(eval("$range(0, 10, 3)", json!({})), Ok(json!([0, 3, 6, 9])));
    assert_eq!(eval("$range(1, 9, 9)", json!({})), Ok(json!(1)));
    assert_eq!(
        eval("$partition([0, 1, 2], 2)", json!({})),
        Ok(json!([[0, 1], [2]]))
    );
    assert_eq!(
        eval("$hash('input data', 'SHA-1')", json!({})),
        Ok(json!("aaff4a450a104cd177d28d18d74485e8cae074b7"))
    );
    assert_eq!(eval("$parse('-0')", json!({})), Ok(json!(0)));
    assert_eq!(
        eval("$parse($states.input.s)", json!({"s": "{\"a\": [1]}"})),
        Ok(json!({"a": [1]}))
    );
    assert_eq!(
        eval("$random(42) = $random(42)", json!({})),
        Ok(json!(true))
    );
    let r = eval("$random()", json!({})).unwrap().as_f64().unwrap();
    assert!((0.0..1.0).contains(&r));
    let id = eval("$uuid()", json!({})).unwrap();
    assert_eq!(id.as_str().unwrap().len(), 36);
    assert_ne!(eval("$uuid() = $uuid()", json!({})), Ok(json!(true)));
    assert_eq!(
        eval("$now()", json!({})),
        Ok(json!("1970-01-01T00:00:00.000Z"))
    );
    assert_eq!(eval("$millis()", json!({})), Ok(json!(0)));
    assert!(matches!(
        eval("$eval('1')", json!({})),
        Err(Failure::Thrown(_))
    ));
    assert!(matches!(
        eval("$partition([1], 0)", json!({})),
        Err(Failure::Thrown(_))
    ));
}

#[test]
fn the_same_seed_gives_the_same_random_draws() {
    assert_eq!(eval("$uuid()", json!({})), eval("$uuid()", json!({})));
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        "[a-c]{0,3}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-c]", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    /// The shortcut answers exactly as the evaluator would, or leaves the answer to it.
    #[test]
    fn shortcuts_agree_with_the_evaluator(doc in json_value(), keys in prop::collection::vec("[a-c]", 0..4)) {
        let chain: String = keys.iter().map(|k| format!(".{k}")).collect();
        for text in [format!("$states.input{chain}"), format!("$v{chain}")] {
            let input = json!({"input": doc.clone()})["input"].clone();
            let fast = eval_with(&text, input.clone(), None, json!({"v": doc.clone()}));
            let slow = engine(&text, input, json!({"v": doc.clone()}));
            prop_assert_eq!(fast, slow, "{}", text);
        }
    }
}
