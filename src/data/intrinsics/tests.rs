use super::*;
use crate::data::context::{ContextObject, ExecutionInfo};
use rand::SeedableRng;
use serde_json::json;

fn info() -> ExecutionInfo {
    crate::data::context::test_execution()
}

fn call(text: &str, input: Value) -> Result<Value, StatesError> {
    let e = info();
    let c = ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH);
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    let mut scope = Scope::new(&input, &c, &mut rng);
    eval(&Call::parse(text).unwrap(), &mut scope, "f.$")
}

fn ok(text: &str) -> Value {
    call(text, json!({})).unwrap()
}

fn err(text: &str) -> StatesError {
    call(text, json!({})).unwrap_err()
}

#[test]
fn format() {
    assert_eq!(ok("States.Format('{} is {}', 'x', 3)"), json!("x is 3"));
    assert_eq!(
        ok("States.Format('{} {} {}', true, null, 1.5)"),
        json!("true null 1.5")
    );
    assert_eq!(ok("States.Format('\\\\{\\\\}')"), json!("{}"));
    assert_eq!(
        call("States.Format('v={}', $.a)", json!({"a": [1, {"b": 2}]})).unwrap(),
        json!("v=[1, {b=2}]")
    );
    assert_eq!(
        err("States.Format('{} {}', 1)").error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        err("States.Format('{}', 1, 2)").error,
        "States.IntrinsicFailure"
    );
    assert_eq!(err("States.Format(1)").error, "States.IntrinsicFailure");
}

#[test]
fn json_conversions() {
    assert_eq!(
        call("States.StringToJson($.s)", json!({"s": "{\"a\":[1,2]}"})).unwrap(),
        json!({"a": [1, 2]})
    );
    assert_eq!(ok("States.StringToJson('')"), Value::Null);
    assert!(err("States.StringToJson('{bad')").cause.is_some());
    assert_eq!(
        call("States.JsonToString($.o)", json!({"o": {"b": 1, "a": "x"}})).unwrap(),
        json!("{\"b\":1,\"a\":\"x\"}")
    );
}

#[test]
fn arrays() {
    assert_eq!(ok("States.Array(1, 'a', null)"), json!([1, "a", null]));
    assert_eq!(ok("States.Array()"), json!([]));
    assert_eq!(
        ok("States.ArrayPartition(States.Array(1,2,3,4,5), 2)"),
        json!([[1, 2], [3, 4], [5]])
    );
    assert!(err("States.ArrayPartition(States.Array(1), 0)")
        .cause
        .is_some());
    assert_eq!(
        ok("States.ArrayContains(States.Array(1,2), 2)"),
        json!(true)
    );
    assert_eq!(
        ok("States.ArrayContains(States.Array(1,2), 3)"),
        json!(false)
    );
    assert_eq!(ok("States.ArrayRange(1, 9, 2)"), json!([1, 3, 5, 7, 9]));
    assert_eq!(ok("States.ArrayRange(5, 1, -2)"), json!([5, 3, 1]));
    assert!(err("States.ArrayRange(1, 2, 0)").cause.is_some());
    assert!(err("States.ArrayRange(0, 2000, 1)").cause.is_some());
    assert_eq!(ok("States.ArrayGetItem(States.Array(4,5,6), 1)"), json!(5));
    assert!(err("States.ArrayGetItem(States.Array(4), 3)")
        .cause
        .is_some());
    assert_eq!(ok("States.ArrayLength(States.Array(4,5,6))"), json!(3));
    assert_eq!(
        ok("States.ArrayUnique(States.Array(1,2,1,'a','a'))"),
        json!([1, 2, "a"])
    );
    assert_eq!(
        err("States.ArrayLength('x')").error,
        "States.IntrinsicFailure"
    );
}

#[test]
fn base64() {
    assert_eq!(
        ok("States.Base64Encode('Data to encode')"),
        json!("RGF0YSB0byBlbmNvZGU=")
    );
    assert_eq!(
        ok("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"),
        json!("Data to encode")
    );
    assert!(err("States.Base64Decode('!!!')").cause.is_some());
    let long = "a".repeat(10_001);
    assert!(call("States.Base64Encode($.s)", json!({ "s": long })).is_err());
}

#[test]
fn hashes() {
    assert_eq!(
        ok("States.Hash('input data', 'MD5')"),
        json!("812f45842bc6d66ee14572ce20db8e86")
    );
    assert_eq!(
        ok("States.Hash('input data', 'SHA-1')"),
        json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
    );
    assert_eq!(
        ok("States.Hash('input data', 'SHA-256')"),
        json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    );
    assert_eq!(
        ok("States.Hash('input data', 'SHA-384')"),
        json!("d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562")
    );
    assert_eq!(
        ok("States.Hash('input data', 'SHA-512')"),
        json!("6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4")
    );
    assert!(err("States.Hash('x', 'CRC32')").cause.is_some());
}

#[test]
fn json_merge() {
    assert_eq!(
        call(
            "States.JsonMerge($.a, $.b, false)",
            json!({"a": {"x": 1, "n": {"p": 1}}, "b": {"y": 2, "n": {"q": 2}}})
        )
        .unwrap(),
        json!({"x": 1, "n": {"q": 2}, "y": 2})
    );
    assert!(call("States.JsonMerge($.a, $.a, true)", json!({"a": {}})).is_err());
    assert!(err("States.JsonMerge(1, 2, false)").cause.is_some());
}

#[test]
fn math() {
    for (a, b, r) in [
        (1.49, 1.5, 3),
        (-1.5, 0.0, -1),
        (-1.51, 0.0, -2),
        (-0.5, 0.5, 1),
        (2.5, 0.0, 3),
        (-2.5, 0.0, -2),
    ] {
        assert_eq!(
            call("States.MathAdd($.a, $.b)", json!({"a": a, "b": b})).unwrap(),
            json!(r),
            "{a} + {b}"
        );
    }
    assert!(err("States.MathAdd('1', 2)").cause.is_some());
    for _ in 0..20 {
        let v = ok("States.MathRandom(10, 20)").as_i64().unwrap();
        assert!((10..20).contains(&v));
    }
    assert_eq!(
        ok("States.MathRandom(1, 1000, 42)"),
        ok("States.MathRandom(1, 1000, 42)")
    );
    assert!(err("States.MathRandom(5, 5)").cause.is_some());
}

#[test]
fn strings_and_uuids() {
    assert_eq!(
        ok("States.StringSplit('a,b,,c', ',')"),
        json!(["a", "b", "c"])
    );
    assert_eq!(
        ok("States.StringSplit('a-b+c', '-+')"),
        json!(["a", "b", "c"])
    );
    let u = ok("States.UUID()");
    let s = u.as_str().unwrap();
    assert_eq!(s.len(), 36);
    assert_eq!(&s[14..15], "4");
}

#[test]
fn path_arguments_that_name_nothing_fail_with_the_field() {
    let e = err("States.ArrayLength($.missing)");
    assert_eq!(e.error, "States.Runtime");
    assert!(e.cause.unwrap().contains("'f.$'"));
}

/// ArrayUnique keeps the first of each class of equal values, as comparing each value with
/// every one kept does (numbers by value, objects whatever their member order).
#[test]
fn array_unique_agrees_with_pairwise_equality() {
    use rand::Rng;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(11);
    let pool = [
        json!(1),
        json!(1.0),
        json!(-0.0),
        json!(0),
        json!("1"),
        json!("a;"),
        json!(null),
        json!([1, 2]),
        json!([2, 1]),
        json!({"a": 1, "b": [1]}),
        json!({"b": [1.0], "a": 1}),
        json!({"a": 1}),
        json!(true),
    ];
    for _ in 0..200 {
        let n = rng.gen_range(0..12);
        let items: Vec<Value> = (0..n)
            .map(|_| pool[rng.gen_range(0..pool.len())].clone())
            .collect();
        let mut expected: Vec<Value> = Vec::new();
        for v in &items {
            if !expected.iter().any(|o| json_eq(o, v)) {
                expected.push(v.clone());
            }
        }
        let got = call("States.ArrayUnique($.a)", json!({ "a": items })).unwrap();
        assert_eq!(got, Value::Array(expected), "{items:?}");
    }
    // Ranges near the ends of i64 stop instead of wrapping around.
    let near = ok("States.ArrayRange(9223372036854775806, 9223372036854775807, 5)");
    assert_eq!(near, json!([9223372036854775806i64]));
}
