//! Definitions in JSONata: what parses, and the diagnostics AWS gives for mistakes.

use super::tests::{diags, one_error, pass_end};
use super::*;
use crate::asl::model::*;
use serde_json::json;

fn jsonata(states: serde_json::Value) -> serde_json::Value {
    json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": states})
}

#[test]
fn a_jsonata_machine_parses_with_every_state_type() {
    let m = parse_definition(
        &jsonata(json!({
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
                  "TimeoutSeconds": "{% $t %}", "HeartbeatSeconds": 5,
                  "Output": "{% $states.result.Payload %}", "Assign": {"r": "{% $states.result %}"},
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}",
                             "Assign": {"e": "{% $states.errorOutput.Error %}"}, "Next": "F"}],
                  "Next": "C"},
            "C": {"Type": "Choice", "Choices": [
                     {"Condition": "{% $r > 1 %}", "Next": "W", "Output": {"x": 1}},
                     {"Condition": true, "Next": "M"}],
                  "Default": "F", "Assign": {"d": 1}},
            "W": {"Type": "Wait", "Seconds": "{% 1 + 1 %}", "Next": "M"},
            "M": {"Type": "Map", "Items": "{% [1, 2] %}", "MaxConcurrency": "{% 1 %}",
                  "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}"},
                  "ItemProcessor": {"StartAt": "P", "States": {"P": pass_end()}},
                  "Next": "PA"},
            "PA": {"Type": "Parallel", "Arguments": "{% $states.input %}",
                   "Branches": [{"StartAt": "S", "States": {"S": {"Type": "Succeed", "Output": 1}}}],
                   "Next": "F"},
            "F": {"Type": "Fail", "Error": "{% 'E' & $r %}", "Cause": "c"}
        }))
        .to_string(),
    )
    .unwrap();
    let a = m.body.state(m.body.find("A").unwrap());
    assert_eq!(a.query, QueryLanguage::Jsonata);
    assert!(a.output.is_some() && a.assign.is_some());
    let StateKind::Task(t) = &a.kind else {
        panic!()
    };
    assert!(matches!(t.timeout, Some(Seconds::Expr(_))));
    assert_eq!(t.heartbeat, Some(Seconds::Fixed(5)));
    assert!(t.catch[0].output.is_some());
    let c = m.body.state(m.body.find("C").unwrap());
    let StateKind::Choice(choice) = &c.kind else {
        panic!()
    };
    assert!(matches!(choice.choices[0].rule, ChoiceRule::Condition(_)));
    let w = m.body.state(m.body.find("W").unwrap());
    assert!(matches!(&w.kind, StateKind::Wait(w) if matches!(w.wait, WaitFor::SecondsExpr(_))));
}

#[test]
fn a_state_may_opt_into_jsonata_but_not_out_of_it() {
    let m = parse_definition(
        &json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "Next": "B"},
            "B": {"Type": "Pass", "InputPath": "$.x", "End": true}}})
        .to_string(),
    )
    .unwrap();
    assert_eq!(m.body.state(StateId(0)).query, QueryLanguage::Jsonata);
    assert_eq!(m.body.state(StateId(1)).query, QueryLanguage::JsonPath);
    one_error(
        jsonata(json!({"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    );
    one_error(
        json!({"QueryLanguage": "SQL", "StartAt": "A", "States": {"A": pass_end()}}),
        "SCHEMA_VALIDATION_FAILED",
        "/QueryLanguage",
        "Value should be one of the following: [JSONPath, JSONata]",
    );
}

#[test]
fn fields_of_the_other_language_are_named_as_such() {
    one_error(
        jsonata(json!({"A": {"Type": "Pass", "InputPath": "$.a", "End": true}})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage",
    );
    one_error(
        jsonata(
            json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                             "Parameters": {}, "End": true}}),
        ),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "field 'Parameters' is only supported for the 'JSONPath' QueryLanguage",
    );
    one_error(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": true}}}),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A",
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
    );
    one_error(
        jsonata(
            json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                             "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.e", "Next": "B"}],
                             "End": true},
                       "B": pass_end()}),
        ),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Catch/0",
        "field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage",
    );
}

#[test]
fn expressions_that_do_not_parse_or_read_what_aws_does_not_offer_are_refused() {
    one_error(
        jsonata(json!({"A": {"Type": "Pass", "Output": {"v": ["{% [1, %}"]}, "End": true}})),
        "INVALID_JSONATA_EXPRESSION",
        "/States/A/Output/v/0",
        "",
    );
    one_error(
        jsonata(json!({"A": {"Type": "Pass", "Output": {"v": "{% phone %}"}, "End": true}})),
        "UNSUPPORTED_JSONATA_EXPRESSION",
        "/States/A/Output/v",
        "Reference to 'phone' at the top level is not supported.",
    );
    one_error(
        jsonata(json!({"A": {"Type": "Pass", "Output": "{% $$ %}", "End": true}})),
        "UNSUPPORTED_JSONATA_EXPRESSION",
        "/States/A/Output",
        "Reference to '$$' is not supported.",
    );
    one_error(
        jsonata(json!({"A": {"Type": "Pass", "Output": "{% $states.errorOutput %}", "End": true}})),
        "UNSUPPORTED_JSONATA_EXPRESSION",
        "/States/A/Output",
        "Field '$states.errorOutput' does not exist.",
    );
    let d = diags(jsonata(
        json!({"A": {"Type": "Wait", "Seconds": "{% ) %}", "End": true}}),
    ));
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "INVALID_JSONATA_EXPRESSION");
    assert_eq!(d[0].location, "/States/A/Seconds");
    one_error(
        jsonata(json!({"A": {"Type": "Parallel", "End": true, "Branches": [
            {"QueryLanguage": "JSONPath", "StartAt": "B", "States": {"B": pass_end()}}]}})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Branches/0/QueryLanguage",
        "not supported",
    );
    one_error(
        jsonata(json!({"A": {"Type": "Choice", "Choices": [{"Condition": "yes", "Next": "A"}]}})),
        "SCHEMA_VALIDATION_FAILED",
        "/States/A/Choices/0/Condition",
        "Condition must be a Boolean or a JSONata expression",
    );
    // A padded string is a literal, not an expression.
    assert!(diags(jsonata(
        json!({"A": {"Type": "Pass", "Output": " {% ( %} ", "End": true}})
    ))
    .is_empty());
}
