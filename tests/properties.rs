//! Properties: JSONPath and payload templates behave as specified, and no definition or
//! input, however malformed, makes anything panic.

mod common;

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use sfn_runtime::asl::path::Path;
use sfn_runtime::asl::template::Template;
use sfn_runtime::data::jsonpath::{select, Selected};
use sfn_runtime::data::payload::eval_template;
use sfn_runtime::data::{ContextObject, ExecutionInfo, Scope};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        "[a-z$.\\[\\]'*(){}, ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-e]{1,3}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn info() -> ExecutionInfo {
    ExecutionInfo {
        id: "arn:aws:states:us-east-1:123456789012:execution:sm:e".into(),
        name: "e".into(),
        input: std::sync::Arc::new(json!({})),
        role_arn: "r".into(),
        start_time: "2024-01-01T00:00:00.000Z".parse().unwrap(),
        redrive_count: 0,
        state_machine_id: "arn:aws:states:us-east-1:123456789012:stateMachine:sm".into(),
        state_machine_name: "sm".into(),
    }
}

/// A random walk down `v`, as path steps and the value reached.
fn walk(v: &Value, choices: &[usize]) -> (String, Value) {
    let mut path = String::from("$");
    let mut cur = v;
    for c in choices {
        match cur {
            Value::Object(m) if !m.is_empty() => {
                let (k, next) = m.iter().nth(c % m.len()).unwrap();
                path.push_str(&format!("['{k}']"));
                cur = next;
            }
            Value::Array(a) if !a.is_empty() => {
                let i = c % a.len();
                path.push_str(&format!("[{i}]"));
                cur = &a[i];
            }
            _ => break,
        }
    }
    (path, cur.clone())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn path_parsing_never_panics(s in "\\PC{0,40}") {
        let _ = Path::parse(&s);
        let _ = Path::parse(&format!("${s}"));
    }

    #[test]
    fn selecting_any_parsed_path_never_panics(doc in json_value(), s in "[a-z$.\\[\\]'*?@<>=!&|(): 0-9,-]{0,30}") {
        if let Ok(p) = Path::parse(&format!("${s}")) {
            let _ = select(&p, &doc);
        }
    }

    #[test]
    fn reference_paths_reach_what_a_walk_reaches(doc in json_value(), choices in prop::collection::vec(any::<usize>(), 0..6)) {
        let (path, expected) = walk(&doc, &choices);
        let p = Path::parse(&path).unwrap();
        prop_assert!(p.is_reference());
        prop_assert_eq!(select(&p, &doc).unwrap(), Selected::One(&expected));
    }

    #[test]
    fn templates_without_dollar_keys_are_constant(v in json_value()) {
        let t = Template::compile(&v).unwrap();
        let e = info();
        let c = ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH);
        let mut rng = rand::SeedableRng::seed_from_u64(1);
        let input = json!({"x": 1});
        let mut scope = Scope::new(&input, &c, &mut rng);
        prop_assert_eq!(eval_template(&t, &mut scope).unwrap(), v);
    }

    #[test]
    fn dynamic_fields_copy_what_their_path_selects(input in json_value(), choices in prop::collection::vec(any::<usize>(), 0..4)) {
        let (path, expected) = walk(&input, &choices);
        let t = Template::compile(&json!({"copy.$": path, "fixed": [1, {"n.$": "$$.State.Name"}]})).unwrap();
        let e = info();
        let c = ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH);
        let mut rng = rand::SeedableRng::seed_from_u64(1);
        let mut scope = Scope::new(&input, &c, &mut rng);
        prop_assert_eq!(eval_template(&t, &mut scope).unwrap(), json!({"copy": expected, "fixed": [1, {"n": "S"}]}));
    }

    #[test]
    fn intrinsic_parsing_never_panics(s in "States\\.[A-Za-z]{0,14}\\([^)]{0,30}\\)?\\)?") {
        let _ = sfn_runtime::asl::intrinsic::Call::parse(&s);
    }

    #[test]
    fn validating_any_text_never_panics(s in "\\PC{0,200}") {
        let _ = sfn_runtime::asl::validate(&s);
    }
}

/// A random, ASL-shaped definition: real state types and field names with values of any
/// shape, so both the parser's error paths and the runtime get exercised.
fn definition() -> impl Strategy<Value = Value> {
    let field_value = prop_oneof![
        Just(json!("$")),
        Just(json!("$.a")),
        Just(json!("$.a[0]")),
        Just(json!("$$.Execution.Input")),
        Just(json!("States.Array($.a, 1)")),
        Just(json!("States.Format('{}', $.b)")),
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!(3)),
        Just(json!({"k.$": "$.a", "v": 1})),
        Just(json!({"k.$": "States.MathAdd($.n, 1)"})),
        Just(json!(["E", "States.ALL"])),
        Just(json!("S0")),
        Just(json!("S1")),
        Just(json!("S2")),
        Just(json!("2030-01-01T00:00:00Z")),
        json_value(),
    ];
    let field_name = prop_oneof![
        Just("Type"),
        Just("Next"),
        Just("End"),
        Just("InputPath"),
        Just("OutputPath"),
        Just("ResultPath"),
        Just("Parameters"),
        Just("Result"),
        Just("ResultSelector"),
        Just("Resource"),
        Just("Seconds"),
        Just("SecondsPath"),
        Just("TimestampPath"),
        Just("Choices"),
        Just("Default"),
        Just("Error"),
        Just("CausePath"),
        Just("Retry"),
        Just("Catch"),
        Just("TimeoutSeconds"),
        Just("Variable"),
    ];
    let state_type = prop_oneof![
        Just("Pass"),
        Just("Task"),
        Just("Choice"),
        Just("Wait"),
        Just("Succeed"),
        Just("Fail"),
        Just("Nope"),
    ];
    let state = (
        state_type,
        prop::collection::vec((field_name, field_value), 0..5),
        any::<bool>(),
        0..3usize,
    )
        .prop_map(|(ty, fields, end, next)| {
            let mut m = Map::new();
            m.insert("Type".into(), json!(ty));
            if end {
                m.insert("End".into(), json!(true));
            } else {
                m.insert("Next".into(), json!(format!("S{next}")));
            }
            for (k, v) in fields {
                m.insert(k.to_string(), v);
            }
            Value::Object(m)
        });
    prop::collection::vec(state, 1..4).prop_map(|states| {
        let mut m = Map::new();
        for (i, s) in states.into_iter().enumerate() {
            m.insert(format!("S{i}"), s);
        }
        json!({"StartAt": "S0", "States": m})
    })
}

/// A definition that passes validation, built from well-formed states whose paths,
/// templates and intrinsics may still fail at run time on a random input.
fn runnable_definition() -> impl Strategy<Value = Value> {
    let path = prop_oneof![
        Just(json!("$")),
        Just(json!("$.a")),
        Just(json!("$.a[0]")),
        Just(json!("$.b")),
        Just(json!("$$.Execution.Input")),
        Just(json!("$.a[*]")),
    ];
    let result_path = prop_oneof![
        Just(json!("$")),
        Just(json!("$.r")),
        Just(json!(null)),
        Just(json!("$.a.b"))
    ];
    let params = prop_oneof![
        Just(json!({"x.$": "$.a"})),
        Just(json!({"x.$": "States.ArrayLength($.a)"})),
        Just(json!({"x.$": "States.MathAdd($.n, 1)"})),
        Just(json!({"x.$": "States.StringToJson($.s)"})),
        Just(json!({"x.$": "States.Format('{} {}', $.a, $$.State.Name)"})),
        Just(json!({"x": [1, {"y.$": "$"}]})),
    ];
    let state = (0..6usize, path.clone(), result_path, params, path, 0..3u64);
    prop::collection::vec(state, 1..5).prop_map(|states| {
        let n = states.len();
        let mut m = Map::new();
        for (i, (kind, p, rp, params, var, secs)) in states.into_iter().enumerate() {
            let next = if i + 1 == n { json!(null) } else { json!(format!("S{}", i + 1)) };
            let mut st = match kind {
                0 => json!({"Type": "Pass", "InputPath": p, "Parameters": params, "ResultPath": rp}),
                1 => json!({"Type": "Task", "Resource": "arn:aws:states:::echo", "Parameters": params,
                            "ResultPath": rp, "OutputPath": p, "TimeoutSeconds": 5,
                            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
                            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Last"}]}),
                2 => json!({"Type": "Wait", "Seconds": secs}),
                3 => json!({"Type": "Wait", "SecondsPath": "$.n"}),
                4 if i + 1 < n => json!({"Type": "Choice", "Choices": [
                        {"Variable": var, "NumericGreaterThan": 1, "Next": next.clone()}], "Default": next.clone()}),
                _ => json!({"Type": "Pass", "Result": {"n": secs}, "ResultPath": rp}),
            };
            if st["Type"] != "Choice" {
                if i + 1 == n {
                    st["Next"] = json!("Last");
                } else {
                    st["Next"] = next;
                }
            }
            m.insert(format!("S{i}"), st);
        }
        m.insert("Last".into(), json!({"Type": "Pass", "End": true}));
        json!({"StartAt": "S0", "States": m})
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn runnable_definitions_always_end(def in runnable_definition(), input in json_value()) {
        let report = sfn_runtime::asl::validate(&def.to_string());
        prop_assert!(report.is_ok(), "{:?} for {}", report.diagnostics, def);
        let s = common::builder()
            .handler("arn:aws:states:::echo", |r: sfn_runtime::runtime::TaskRequest| async move { Ok(r.parameters) })
            .build()
            .unwrap();
        let arn = common::create(&s, "Fuzz", &def);
        let (d, history) = common::run(&s, &arn, &input);
        prop_assert!(["SUCCEEDED", "FAILED"].contains(&d.status.as_str()), "{}", d.status);
        prop_assert_eq!(history.first().map(String::as_str), Some("ExecutionStarted"));
        let last = history.last().cloned().unwrap_or_default();
        prop_assert_eq!(last, format!("Execution{}", if d.status == "SUCCEEDED" { "Succeeded" } else { "Failed" }));
        if d.status == "FAILED" {
            prop_assert!(d.error.is_some());
        }
    }

    #[test]
    fn no_definition_or_input_panics(def in definition(), input in json_value()) {
        let report = sfn_runtime::asl::validate(&def.to_string());
        if report.is_ok() {
            // Whatever the definition does with whatever input, the execution ends.
            let s = common::builder()
                .handler("S0", |_r: sfn_runtime::runtime::TaskRequest| async { Ok(json!({"a": [1]})) })
                .build()
                .unwrap();
            let arn = common::create(&s, "Fuzz", &def);
            let (d, _) = common::run(&s, &arn, &input);
            prop_assert!(["SUCCEEDED", "FAILED", "TIMED_OUT"].contains(&d.status.as_str()), "{}", d.status);
        } else {
            prop_assert!(!report.diagnostics.is_empty());
        }
    }
}

fn payload() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 30, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    /// A payload's size is counted without serialising it: the count is the length of the
    /// text serde_json writes, escapes, floats and all.
    #[test]
    fn payload_sizes_are_the_serialised_length(v in payload()) {
        prop_assert_eq!(sfn_runtime::data::size::json_size(&v), serde_json::to_string(&v).unwrap().len());
    }
}
