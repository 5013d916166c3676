//! JSONata states end to end: the bundled example through `sfn run`, and what the history
//! records when an expression fails or a state assigns variables.

mod common;

use common::{cli, create, history_events, output, sfn, start};
use serde_json::{json, Value};

fn example(case: &str) -> std::process::Output {
    cli(&[
        "run",
        "examples/jsonata/shipment.asl.json",
        "--input",
        "@examples/jsonata/input.json",
        "--mock-config",
        "examples/jsonata/mocks.json",
        "--virtual-time",
        "--test-case",
        case,
    ])
}

/// The JSON `sfn run` printed, once it exited 0.
fn succeeded(o: &std::process::Output) -> Value {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn the_bundled_jsonata_example_runs_both_ways() {
    let o = example("HappyPath");
    let out = succeeded(&o);
    assert_eq!(out["carrier"], "UPS");
    assert_eq!(out["tier"], "standard");
    assert_eq!(out["total"], 240);
    assert_eq!(out["labels"][0]["label"], "o-2002-1");
    assert_eq!(out["labels"][0]["skus"], json!(["WIDGET-7", "GADGET-3"]));
    assert_eq!(out["labels"][1]["checksum"].as_str().unwrap().len(), 8);
    let o = example("NoCarrier");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Shipping.NoCarrier"), "{err}");
    assert!(err.contains("No quote for order o-2002"), "{err}");
}

#[test]
fn a_failed_expression_is_an_evaluation_failed_event_naming_its_field() {
    let s = sfn();
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
        "B": {"Type": "Pass", "Output": {"result": "{% $doesNotExist %}"}, "End": true}}});
    let arn = create(&s, "undefined", &def);
    let r = start(&s, &arn, &json!({}));
    r.wait_blocking();
    let events = history_events(&s, r.execution_arn.as_ref());
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "PassStateEntered",
            "EvaluationFailed",
            "ExecutionFailed"
        ]
    );
    let failed = &events[4]["evaluationFailedEventDetails"];
    assert_eq!(failed["error"], "States.QueryEvaluationError");
    assert_eq!(failed["location"], "Output/result");
    assert_eq!(failed["state"], "B");
    assert_eq!(
        failed["cause"],
        "An error occurred while executing the state 'B' (entered at the event id #4). The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined)."
    );
    let exited = &events[2]["stateExitedEventDetails"];
    assert_eq!(exited["assignedVariables"]["x"], "1");
}

#[test]
fn variables_swap_because_every_expression_reads_the_values_from_before_the_state() {
    let s = sfn();
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"x": "{% $y %}", "y": "{% $x %}"},
              "Output": {"seen": "{% [$x, $y] %}"}, "Next": "C"},
        "C": {"Type": "Pass", "Output": {"x": "{% $x %}", "y": "{% $y %}", "seen": "{% $states.input.seen %}"}, "End": true}}});
    let arn = create(&s, "swap", &def);
    let r = start(&s, &arn, &json!({}));
    r.wait_blocking();
    let d = common::describe_arn(&s, r.execution_arn.as_ref());
    assert_eq!(output(&d), json!({"x": 2, "y": 1, "seen": [1, 2]}));
}

#[test]
fn a_catcher_output_sees_the_error_and_a_jsonata_map_rejects_items_that_are_not_an_array() {
    let s = sfn();
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {
        "M": {"Type": "Map", "Items": "{% $states.input.items %}",
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
              "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"],
                         "Output": {"caught": "{% $states.errorOutput.Error %}",
                                    "input": "{% $states.input %}"},
                         "Next": "Done"}],
              "End": true},
        "Done": {"Type": "Succeed"}}});
    let arn = create(&s, "items", &def);
    let r = start(&s, &arn, &json!({"items": 7}));
    r.wait_blocking();
    let d = common::describe_arn(&s, r.execution_arn.as_ref());
    assert_eq!(
        output(&d),
        json!({"caught": "States.QueryEvaluationError", "input": {"items": 7}})
    );
    let r = start(&s, &arn, &json!({"items": [1, 2]}));
    r.wait_blocking();
    assert_eq!(
        output(&common::describe_arn(&s, r.execution_arn.as_ref())),
        json!([1, 2])
    );
}

/// A JSONata Distributed Map: its ItemReader's `Arguments` and `MaxItems`, its ItemBatcher
/// and its ResultWriter's `Arguments` are expressions over the state's input.
#[test]
fn a_jsonata_distributed_map_evaluates_its_reader_batcher_and_writer() {
    let dir = common::temp_dir("jsonata-distributed");
    let root = dir.join("objects");
    std::fs::create_dir_all(root.join("items")).unwrap();
    std::fs::write(root.join("items").join("rows.csv"), "id,n\na,1\nb,2\nc,3\n").unwrap();
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "MaxItems": "{% $states.input.max %}"},
            "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "rows.csv"}},
        "ItemBatcher": {"MaxItemsPerBatch": "{% 1 + 1 %}",
            "BatchInput": {"tag": "{% $states.input.tag %}"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "P", "States": {"P": {"Type": "Pass",
                "Output": {"tag": "{% $states.input.BatchInput.tag %}",
                           "ids": "{% $states.input.Items.id %}"}, "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
            "Arguments": {"Bucket": "results", "Prefix": "{% 'out-' & $states.input.tag %}"}},
        "End": true}}});
    let path = dir.join("dm.asl.json");
    std::fs::write(&path, def.to_string()).unwrap();
    let input = json!({"bucket": "items", "max": 3, "tag": "t1"}).to_string();
    let o = cli(&[
        "run",
        path.to_str().unwrap(),
        "--input",
        &input,
        "--objects-dir",
        root.to_str().unwrap(),
    ]);
    let out = succeeded(&o);
    let key = out["ResultWriterDetails"]["Key"].as_str().unwrap();
    assert!(key.starts_with("out-t1/"), "{key}");
    let mut outputs: Vec<Value> = common::written_outputs(&root, &out)
        .iter()
        .map(|o| serde_json::from_str(o).unwrap())
        .collect();
    outputs.sort_by_key(|o| o["ids"].to_string());
    assert_eq!(
        outputs,
        [
            json!({"tag": "t1", "ids": "c"}),
            json!({"tag": "t1", "ids": ["a", "b"]})
        ]
    );
}

#[test]
fn a_jsonata_reader_with_parameters_is_refused_by_name() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "Parameters": {"Bucket": "b", "Key": "k"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let report = sfn_runtime::asl::validate(&def.to_string());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.location == "/States/M/ItemReader/Parameters"
                && d.message
                    .contains("only supported for the 'JSONPath' QueryLanguage")),
        "{report:?}"
    );
}

/// TestState runs JSONata states: `afterArguments`, `Output`, the variables after `Assign`,
/// and a Catcher's `Output` over `$states.errorOutput`.
#[test]
fn test_state_runs_jsonata_states() {
    use sfn_runtime::api::types::{MockErrorOutput, MockInput, TestStateInput};
    let s = sfn();
    let task = json!({"Type": "Task", "QueryLanguage": "JSONata",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": {"n": "{% $states.input.n * 2 %}"}},
        "Output": {"got": "{% $states.result.Payload %}", "was": "{% $states.input.n %}"},
        "Assign": {"last": "{% $states.result.Payload %}"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover",
                   "Output": {"why": "{% $states.errorOutput.Error %}"}}],
        "End": true});
    let request = |mock: MockInput| TestStateInput {
        definition: task.to_string(),
        input: Some(json!({"n": 21}).to_string()),
        inspection_level: Some("DEBUG".into()),
        mock: Some(mock),
        ..Default::default()
    };
    let out = futures::executor::block_on(s.test_state(request(MockInput {
        result: Some(json!({"Payload": 42}).to_string()),
        ..Default::default()
    })))
    .unwrap();
    assert_eq!(out.status, "SUCCEEDED", "{out:?}");
    let data = out.inspection_data.unwrap();
    let args: Value = serde_json::from_str(data.after_arguments.as_deref().unwrap()).unwrap();
    assert_eq!(args, json!({"FunctionName": "f", "Payload": {"n": 42}}));
    assert_eq!(data.after_parameters, None);
    let output: Value = serde_json::from_str(out.output.as_deref().unwrap()).unwrap();
    assert_eq!(output, json!({"got": 42, "was": 21}));
    let vars: Value = serde_json::from_str(data.variables.as_deref().unwrap()).unwrap();
    assert_eq!(vars, json!({"last": 42}));
    let out = futures::executor::block_on(s.test_state(request(MockInput {
        error_output: Some(MockErrorOutput {
            error: Some("Boom".into()),
            cause: Some("it broke".into()),
        }),
        ..Default::default()
    })))
    .unwrap();
    assert_eq!(out.status, "CAUGHT_ERROR");
    let output: Value = serde_json::from_str(out.output.as_deref().unwrap()).unwrap();
    assert_eq!(output, json!({"why": "Boom"}));
}

/// Runs `def` once on a fresh service and returns its description and event types.
fn run_once(
    def: &Value,
    input: &Value,
) -> (
    sfn_runtime::api::types::DescribeExecutionOutput,
    Vec<String>,
) {
    let s = sfn();
    let arn = create(&s, "once", def);
    let r = start(&s, &arn, input);
    r.wait_blocking();
    let types = common::history_types(&s, r.execution_arn.as_ref());
    (common::describe_arn(&s, r.execution_arn.as_ref()), types)
}

#[test]
fn literal_numbers_in_expressions_are_the_integers_they_look_like() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": "{% 0 %}", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::echo",
              "TimeoutSeconds": "{% 30 %}", "Arguments": {"n": "{% 1 %}"}, "End": true}}});
    let s = common::builder()
        .handler(
            "arn:aws:states:::echo",
            |r: sfn_runtime::runtime::TaskRequest| async move { Ok(r.parameters) },
        )
        .build()
        .unwrap();
    let arn = create(&s, "ints", &def);
    let r = start(&s, &arn, &json!({}));
    r.wait_blocking();
    let d = common::describe_arn(&s, r.execution_arn.as_ref());
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    assert_eq!(d.output.as_deref(), Some(r#"{"n":1}"#));
}

#[test]
fn bad_values_from_expressions_and_a_failing_catcher_are_evaluation_errors() {
    let map = |extra: Value| {
        let mut m = json!({"Type": "Map", "Items": [1],
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "End": true});
        m.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": m}})
    };
    for bad in [
        json!({"ToleratedFailureCount": "{% 2.5 %}"}),
        json!({"ToleratedFailurePercentage": "{% 200 %}"}),
    ] {
        let (d, _) = run_once(&map(bad), &json!({}));
        let error = d.error.as_deref();
        assert_eq!(error, Some("States.QueryEvaluationError"), "{:?}", d.cause);
    }
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "F", "States": {
        "F": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {
                  "X": {"Type": "Fail", "Error": "Boom"}}}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $nope %}", "Next": "Done"}],
              "End": true},
        "Done": {"Type": "Succeed"}}});
    let (d, types) = run_once(&def, &json!({}));
    assert_eq!(d.error.as_deref(), Some("States.QueryEvaluationError"));
    let cause = d.cause.unwrap();
    assert!(
        cause.starts_with("An error occurred while executing the state 'F'"),
        "{cause}"
    );
    assert!(cause.contains("'Output'"), "{cause}");
    assert!(types.contains(&"EvaluationFailed".to_string()), "{types:?}");
}
