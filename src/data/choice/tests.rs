use super::*;
use crate::asl::model::ChoiceRule;
use crate::data::context::ContextObject;
use rand::SeedableRng;
use serde_json::json;

fn rule(v: Value) -> ChoiceRule {
    let mut r = v.as_object().unwrap().clone();
    r.insert("Next".into(), json!("E"));
    let def = json!({
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [Value::Object(r)]},
            "E": {"Type": "Succeed"}
        }
    });
    let m = crate::asl::parse_value(&def).unwrap_or_else(|e| panic!("{e:?}"));
    match &m.body.states[0].kind {
        crate::asl::StateKind::Choice(c) => c.choices[0].rule.clone(),
        _ => unreachable!(),
    }
}

fn eval(r: Value, input: Value) -> Result<bool, StatesError> {
    let e = crate::data::context::test_execution();
    let c = ContextObject::new(&e, "C", chrono::DateTime::UNIX_EPOCH);
    let mut rng = rand::rngs::SmallRng::seed_from_u64(0);
    let scope = Scope::new(&input, &c, &mut rng);
    matches(&rule(r), &scope)
}

fn t(r: Value, input: Value) -> bool {
    eval(r, input).unwrap()
}

#[test]
fn string_operators() {
    let i = json!({"s": "b", "o": "b"});
    assert!(t(
        json!({"Variable": "$.s", "StringEquals": "b"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.s", "StringLessThan": "c"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.s", "StringGreaterThan": "a"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.s", "StringLessThanEquals": "b"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.s", "StringGreaterThanEquals": "b"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.s", "StringEqualsPath": "$.o"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.s", "StringLessThanPath": "$.o"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.s", "StringGreaterThanEqualsPath": "$.o"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.s", "StringLessThanEqualsPath": "$.o"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.s", "StringGreaterThanPath": "$.o"}),
        i.clone()
    ));
    // Type mismatch is false, not an error.
    assert!(!t(
        json!({"Variable": "$.n", "StringEquals": "1"}),
        json!({"n": 1})
    ));
}

#[test]
fn string_matches() {
    let m = |p: &str, s: &str| {
        t(
            json!({"Variable": "$.s", "StringMatches": p}),
            json!({ "s": s }),
        )
    };
    assert!(m("log-*.txt", "log-2024.txt"));
    assert!(!m("log-*.txt", "log-2024.csv"));
    assert!(m("*", ""));
    assert!(m("a\\*b", "a*b"));
    assert!(!m("a\\*b", "axb"));
    assert!(m("*a*b*", "xxaxxbxx"));
    assert!(wildcard_match("a\\\\b", "a\\b"));
}

#[test]
fn numeric_operators() {
    let i = json!({"n": 5, "f": 5.0, "o": 7});
    assert!(t(json!({"Variable": "$.n", "NumericEquals": 5}), i.clone()));
    assert!(t(json!({"Variable": "$.f", "NumericEquals": 5}), i.clone()));
    assert!(t(
        json!({"Variable": "$.n", "NumericLessThan": 6}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.n", "NumericGreaterThan": 4.5}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.n", "NumericLessThanEquals": 5}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.n", "NumericGreaterThanEquals": 5}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.n", "NumericEqualsPath": "$.o"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.n", "NumericLessThanPath": "$.o"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.n", "NumericGreaterThanPath": "$.o"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.n", "NumericLessThanEqualsPath": "$.o"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.o"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.s", "NumericEquals": 1}),
        json!({"s": "1"})
    ));
}

#[test]
fn boolean_and_timestamp_operators() {
    let i = json!({"b": true, "c": true, "t": "2020-01-01T00:00:00Z", "u": "2021-01-01T00:00:00+01:00"});
    assert!(t(
        json!({"Variable": "$.b", "BooleanEquals": true}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.b", "BooleanEqualsPath": "$.c"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.t", "TimestampEquals": "2020-01-01T00:00:00Z"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.t", "TimestampEquals": "2020-01-01T01:00:00+01:00"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.t", "TimestampLessThan": "2020-01-02T00:00:00Z"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.t", "TimestampGreaterThan": "2019-01-02T00:00:00Z"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.t", "TimestampLessThanEquals": "2020-01-01T00:00:00Z"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.t", "TimestampGreaterThanEquals": "2020-01-01T00:00:00Z"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.t", "TimestampLessThanPath": "$.u"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.t", "TimestampEqualsPath": "$.u"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.t", "TimestampGreaterThanPath": "$.u"}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.t", "TimestampLessThanEqualsPath": "$.u"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.t", "TimestampGreaterThanEqualsPath": "$.u"}),
        i.clone()
    ));
    assert!(!t(
        json!({"Variable": "$.b", "TimestampEquals": "2020-01-01T00:00:00Z"}),
        i.clone()
    ));
}

#[test]
fn type_tests() {
    let i = json!({"n": null, "x": 1, "s": "a", "b": false, "t": "2020-01-01T00:00:00Z"});
    assert!(t(json!({"Variable": "$.n", "IsNull": true}), i.clone()));
    assert!(t(json!({"Variable": "$.x", "IsNull": false}), i.clone()));
    assert!(t(json!({"Variable": "$.x", "IsPresent": true}), i.clone()));
    assert!(t(
        json!({"Variable": "$.zz", "IsPresent": false}),
        i.clone()
    ));
    assert!(t(json!({"Variable": "$.x", "IsNumeric": true}), i.clone()));
    assert!(t(json!({"Variable": "$.s", "IsString": true}), i.clone()));
    assert!(t(json!({"Variable": "$.b", "IsBoolean": true}), i.clone()));
    assert!(t(
        json!({"Variable": "$.t", "IsTimestamp": true}),
        i.clone()
    ));
    assert!(t(
        json!({"Variable": "$.s", "IsTimestamp": false}),
        i.clone()
    ));
}

#[test]
fn composition() {
    let i = json!({"a": 1, "b": "x"});
    let and = json!({"And": [{"Variable": "$.a", "NumericEquals": 1}, {"Variable": "$.b", "StringEquals": "x"}]});
    assert!(t(and, i.clone()));
    let or = json!({"Or": [{"Variable": "$.a", "NumericEquals": 2}, {"Variable": "$.b", "StringEquals": "x"}]});
    assert!(t(or, i.clone()));
    let not = json!({"Not": {"Variable": "$.a", "NumericEquals": 1}});
    assert!(!t(not, i.clone()));
}

#[test]
fn missing_variable_is_a_runtime_error() {
    let e = eval(json!({"Variable": "$.zz", "NumericEquals": 1}), json!({})).unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    let e = eval(
        json!({"Variable": "$.a", "NumericEqualsPath": "$.zz"}),
        json!({"a": 1}),
    )
    .unwrap_err();
    assert_eq!(e.error, "States.Runtime");
}

/// The reference: every way of matching a star tried, character by character.
fn matches_slowly(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') => (0..=s.len()).any(|i| matches_slowly(&p[1..], &s[i..])),
        Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && matches_slowly(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && matches_slowly(&p[1..], &s[1..]),
    }
}

#[test]
fn string_matches_agrees_with_trying_every_way() {
    use rand::Rng;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
    let alphabet = ['a', 'b', '*', '\\', 'é'];
    for _ in 0..20_000 {
        let p: String = (0..rng.gen_range(0..8))
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
            .collect();
        let s: String = (0..rng.gen_range(0..8))
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
            .collect();
        let pc: Vec<char> = p.chars().collect();
        let sc: Vec<char> = s.chars().collect();
        assert_eq!(
            wildcard_match(&p, &s),
            matches_slowly(&pc, &sc),
            "pattern {p:?} text {s:?}"
        );
    }
}
