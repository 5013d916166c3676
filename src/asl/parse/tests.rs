use super::*;
use crate::asl::model::*;
use serde_json::json;

pub(super) fn diags(def: serde_json::Value) -> Vec<Diagnostic> {
    validate(&def.to_string()).diagnostics
}

/// Asserts exactly one error with `code` at `location`, whose message contains `needle`.
pub(super) fn one_error(def: serde_json::Value, code: &str, location: &str, needle: &str) {
    let d = diags(def);
    let errors: Vec<&Diagnostic> = d.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.code == code && e.location == location && e.message.contains(needle)),
        "wanted {code} at {location} containing {needle:?}, got {errors:#?}"
    );
}

pub(super) fn pass_end() -> serde_json::Value {
    json!({"Type": "Pass", "End": true})
}

#[test]
fn a_full_machine_parses() {
    let m = parse_definition(
        &json!({
            "Comment": "c", "Version": "1.0", "TimeoutSeconds": 30,
            "StartAt": "T",
            "States": {
                "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                      "Parameters": {"a.$": "$.x"}, "ResultSelector": {"r.$": "$.Payload"},
                      "ResultPath": "$.res", "OutputPath": "$.res", "InputPath": "$",
                      "TimeoutSecondsPath": "$.t", "HeartbeatSeconds": 5,
                      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 2, "MaxAttempts": 4,
                                 "BackoffRate": 1.5, "MaxDelaySeconds": 10, "JitterStrategy": "FULL"},
                                {"ErrorEquals": ["States.ALL"]}],
                      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "F"}],
                      "Next": "C"},
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "W"}], "Default": "S"},
                "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "P"},
                "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": pass_end()}}], "Next": "M"},
                "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
                      "ItemProcessor": {"StartAt": "I", "States": {"I": pass_end()}}, "Next": "L"},
                "L": {"Type": "Map", "Iterator": {"StartAt": "I", "States": {"I": pass_end()}},
                      "Parameters": {"v.$": "$$.Map.Item.Value"}, "End": true},
                "S": {"Type": "Succeed"},
                "F": {"Type": "Fail", "ErrorPath": "$.err.Error", "Cause": "boom"}
            }
        })
        .to_string(),
    )
    .unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(m.timeout_seconds, Some(30));
    assert_eq!(m.body.states.len(), 8);
    let t = m.body.find("T").unwrap();
    match &m.body.state(t).kind {
        StateKind::Task(t) => {
            assert_eq!(t.retry.len(), 2);
            assert_eq!(t.retry[0].jitter, Jitter::Full);
            assert_eq!(t.retry[1].max_attempts, 3, "AWS default");
            assert_eq!(t.catch[0].next, m.body.find("F").unwrap());
            assert!(matches!(t.timeout, Some(Seconds::Path(_))));
        }
        _ => panic!(),
    }
    match &m.body.state(m.body.find("L").unwrap()).kind {
        StateKind::Map(map) => assert!(map.item_selector.is_some(), "legacy Parameters"),
        _ => panic!(),
    }
}

#[test]
fn json_and_emptiness() {
    let r = validate("{not json");
    assert_eq!(r.result, "FAIL");
    assert_eq!(r.diagnostics[0].code, "INVALID_JSON_DESCRIPTION");
    assert_eq!(validate("  ").diagnostics[0].code, "MISSING_DESCRIPTION");
    one_error(json!([1]), "SCHEMA_VALIDATION_FAILED", "", "JSON object");
}

#[test]
fn start_at_and_states() {
    one_error(
        json!({"States": {"A": pass_end()}}),
        "SCHEMA_VALIDATION_FAILED",
        "",
        "StartAt",
    );
    one_error(
        json!({"StartAt": "X", "States": {"A": pass_end()}}),
        "SCHEMA_VALIDATION_FAILED",
        "/StartAt",
        "does not name a state",
    );
    one_error(
        json!({"StartAt": "A", "States": {}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States",
        "empty",
    );
    one_error(
        json!({"StartAt": "A"}),
        "SCHEMA_VALIDATION_FAILED",
        "",
        "'States'",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": pass_end()}, "Bogus": 1}),
        "SCHEMA_VALIDATION_FAILED",
        "/Bogus",
        "not supported",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": pass_end()}, "Version": "2.0"}),
        "SCHEMA_VALIDATION_FAILED",
        "/Version",
        "Version",
    );
    let long = "x".repeat(81);
    one_error(
        json!({"StartAt": long, "States": {long.clone(): pass_end()}}),
        "INVALID_STATE_NAME",
        &format!("/States/{long}"),
        "80",
    );
}

#[test]
fn transitions() {
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Next",
        "Nope",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "either 'Next' or 'End'",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Next": "A"}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "both",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": pass_end(), "B": pass_end()}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/B",
        "not reachable",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}),
        "MISSING_END_STATE",
        "/States",
        "terminal",
    );
}

#[test]
fn state_types_and_fields() {
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Nope", "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Type",
        "Unknown state type",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Succeed", "ResultPath": "$"}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/ResultPath",
        "not supported for a Succeed state",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Task", "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "'Resource' is required",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "lambda", "End": true}}}),
        "INVALID_RESOURCE",
        "/States/A/Resource",
        "not an ARN",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:x", "TimeoutSeconds": 0, "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/TimeoutSeconds",
        "integer",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:x", "TimeoutSeconds": 5, "HeartbeatSeconds": 5, "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/HeartbeatSeconds",
        "smaller",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:x", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "cannot both",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "cannot both",
    );
}

#[test]
fn paths_and_templates() {
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "a.b", "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/InputPath",
        "must start with",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/ResultPath",
        "reference path",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$$.x", "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/ResultPath",
        "context object",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x": {"y.$": "States.Nope()"}}, "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Parameters/x/y.$",
        "unknown function",
    );
    let w = diags(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"a.$": "$.x"}, "End": true}}}),
    );
    assert!(w
        .iter()
        .any(|d| d.code == "PASS_RESULT_IS_STATIC" && d.severity == Severity::Warning));
    assert_eq!(validate(&json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"a.$": "$.x"}, "End": true}}}).to_string()).result, "OK");
}

#[test]
fn retry_and_catch() {
    let task = |policy: serde_json::Value| {
        let mut t = json!({"Type": "Task", "Resource": "arn:x", "End": true});
        t.as_object_mut()
            .unwrap()
            .extend(policy.as_object().unwrap().clone());
        json!({"StartAt": "A", "States": {"A": t, "H": pass_end()}})
    };
    one_error(
        task(json!({"Retry": [{"ErrorEquals": ["States.ALL", "E"]}]})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Retry/0/ErrorEquals",
        "alone",
    );
    one_error(
        task(json!({"Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}]})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Retry/0/ErrorEquals",
        "last",
    );
    one_error(
        task(json!({"Retry": [{"ErrorEquals": ["E"], "BackoffRate": 0.5}]})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Retry/0/BackoffRate",
        "number",
    );
    one_error(
        task(json!({"Retry": [{"ErrorEquals": ["E"], "JitterStrategy": "SOME"}]})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Retry/0/JitterStrategy",
        "FULL or NONE",
    );
    one_error(
        task(json!({"Retry": [{"ErrorEquals": "E"}]})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Retry/0/ErrorEquals",
        "array",
    );
    one_error(
        task(json!({"Catch": [{"ErrorEquals": ["E"], "Next": "Nope"}]})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Catch/0/Next",
        "Nope",
    );
    one_error(
        task(json!({"Catch": [{"ErrorEquals": ["E"], "Next": "H", "Extra": 1}]})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Catch/0/Extra",
        "not supported",
    );
    // A Catcher's target is reachable through it.
    assert_eq!(
        validate(&task(json!({"Catch": [{"ErrorEquals": ["E"], "Next": "H"}]})).to_string()).result,
        "OK"
    );
}

#[test]
fn choice_rules() {
    let choice = |rule: serde_json::Value| json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [rule], "Default": "D"}, "D": pass_end(), "N": pass_end()}});
    one_error(
        choice(json!({"Variable": "$.a", "NumericEquals": "1", "Next": "N"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C/Choices/0/NumericEquals",
        "a number",
    );
    one_error(
        choice(json!({"Variable": "$.a", "StringEquals": "x", "BooleanEquals": true, "Next": "N"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C/Choices/0",
        "exactly one",
    );
    one_error(
        choice(json!({"Variable": "$.a", "Bogus": 1, "Next": "N"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C/Choices/0/Bogus",
        "Unknown Choice operator",
    );
    one_error(
        choice(json!({"StringEquals": "x", "Next": "N"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C/Choices/0",
        "Variable",
    );
    one_error(
        choice(json!({"And": [{"Variable": "$.a", "IsNull": true, "Next": "N"}], "Next": "N"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C/Choices/0/And/0/Next",
        "nested",
    );
    one_error(
        choice(json!({"Variable": "$.a", "TimestampEquals": "yesterday", "Next": "N"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C/Choices/0/TimestampEquals",
        "timestamp",
    );
    one_error(
        choice(json!({"Variable": "$.a", "StringEqualsPath": "nope", "Next": "N"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C/Choices/0/StringEqualsPath",
        "must start with",
    );
    one_error(
        json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": []}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C/Choices",
        "non-empty",
    );
    one_error(
        json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "D"}], "Next": "D"}, "D": pass_end()}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/C",
        "cannot have 'Next'",
    );
}

#[test]
fn wait_fields() {
    let wait = |f: serde_json::Value| {
        let mut w = json!({"Type": "Wait", "End": true});
        w.as_object_mut()
            .unwrap()
            .extend(f.as_object().unwrap().clone());
        json!({"StartAt": "W", "States": {"W": w}})
    };
    one_error(
        wait(json!({})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/W",
        "exactly one",
    );
    one_error(
        wait(json!({"Seconds": 1, "SecondsPath": "$.s"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/W",
        "exactly one",
    );
    one_error(
        wait(json!({"Seconds": -1})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/W/Seconds",
        "integer",
    );
    one_error(
        wait(json!({"Timestamp": "2016-03-14 01:59:00Z"})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/W/Timestamp",
        "ISO-8601",
    );
}

#[test]
fn parallel_and_map_fields() {
    one_error(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [], "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/P/Branches",
        "non-empty",
    );
    one_error(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"B": pass_end()}}], "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/P/Branches/0/StartAt",
        "does not name",
    );
    one_error(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/M",
        "ItemProcessor",
    );
    one_error(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "I", "States": {"I": pass_end()}}, "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/M/ItemProcessor/ProcessorConfig",
        "ExecutionType",
    );
    one_error(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailurePercentage": 101, "ItemProcessor": {"StartAt": "I", "States": {"I": pass_end()}}, "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/M/ToleratedFailurePercentage",
        "number",
    );
    // A branch is its own namespace: its Next cannot leave it.
    one_error(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "P"}}}], "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/P/Branches/0/States/B/Next",
        "'P'",
    );
}

#[test]
fn variable_names_are_checked() {
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"x-y.$": "$"}, "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Assign/x-y.$",
        "not a valid variable name",
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let d = diags(json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "InputPath": "bad", "Next": "Nope"},
        "B": {"Type": "Wait", "End": true}
    }}));
    assert!(d.len() >= 3, "{d:#?}");
}
