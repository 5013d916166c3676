//! Distributed Map: Map Runs, child executions, failure thresholds, the Map Run API.

mod common;

use common::*;
use serde_json::{json, Value};
use sfn_runtime::api::types::*;
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::{TaskFailure, TaskRequest};
use std::sync::Arc;
use std::time::Duration;

const ITEM: &str = "arn:aws:states:::item";

/// A Distributed Map over the input array whose item task fails for negative items.
fn def(extra: Value, execution_type: &str) -> Value {
    let mut map = json!({
        "Type": "Map",
        "Label": "Items",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
            "StartAt": "T",
            "States": {"T": {"Type": "Task", "Resource": ITEM,
                "Parameters": {"n.$": "$", "id.$": "$$.Execution.Id", "sm.$": "$$.StateMachine.Id"},
                "End": true}}
        },
        "End": true
    });
    for (k, v) in extra.as_object().unwrap() {
        map[k] = v.clone();
    }
    json!({"StartAt": "M", "States": {"M": map}})
}

fn service() -> StepFunctions {
    builder()
        .handler(ITEM, |r: TaskRequest| async move {
            let n = r.parameters["n"].as_i64().unwrap_or(0);
            if n < 0 {
                Err(TaskFailure::new("Item.Bad", format!("item {n}")))
            } else {
                Ok(r.parameters.clone())
            }
        })
        .build()
        .unwrap()
}

/// The Map Run an execution started, once it has started one.
fn try_map_run_of(s: &StepFunctions, execution_arn: &str) -> Option<DescribeMapRunOutput> {
    let runs = s
        .list_map_runs(ListMapRunsInput {
            execution_arn: execution_arn.into(),
            ..Default::default()
        })
        .unwrap();
    assert!(runs.map_runs.len() <= 1);
    let arn = runs.map_runs.first()?.map_run_arn.clone();
    Some(
        s.describe_map_run(DescribeMapRunInput { map_run_arn: arn })
            .unwrap(),
    )
}

/// GetExecutionHistory's event types.
fn history_of(s: &StepFunctions, execution_arn: &str) -> Vec<String> {
    s.get_execution_history(GetExecutionHistoryInput {
        execution_arn: execution_arn.into(),
        ..Default::default()
    })
    .unwrap()
    .events
    .iter()
    .map(|e| e["type"].as_str().unwrap().to_string())
    .collect()
}

/// ListExecutions by `mapRunArn`.
fn children_of(s: &StepFunctions, map_run_arn: &str) -> Vec<ExecutionListItem> {
    s.list_executions(ListExecutionsInput {
        map_run_arn: Some(map_run_arn.into()),
        ..Default::default()
    })
    .unwrap()
    .executions
}

fn map_run_of(s: &StepFunctions, execution_arn: &str) -> DescribeMapRunOutput {
    try_map_run_of(s, execution_arn).expect("a map run")
}

#[test]
fn each_item_runs_as_a_child_execution_of_a_map_run() {
    let s = service();
    let arn = create(&s, "Sm", &def(json!({}), "STANDARD"));
    let r = start(&s, &arn, &json!([1, 2, 3]));
    r.wait_blocking();
    let types: Vec<String> =
        r.with_progress(|p| p.history.iter().map(|e| e.event_type.to_string()).collect());
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
    let out: Value = serde_json::from_str(&sfn_runtime::api::describe(&r).output.unwrap()).unwrap();
    let prefix = "arn:aws:states:us-east-1:123456789012:execution:Sm/Items:";
    for (i, item) in out.as_array().unwrap().iter().enumerate() {
        assert_eq!(item["n"], json!(i + 1));
        assert!(item["id"].as_str().unwrap().starts_with(prefix), "{item}");
        assert_eq!(
            item["sm"],
            "arn:aws:states:us-east-1:123456789012:stateMachine:Sm/Items"
        );
    }
    let run = map_run_of(&s, r.execution_arn.as_str());
    assert!(run
        .map_run_arn
        .starts_with("arn:aws:states:us-east-1:123456789012:mapRun:Sm/Items:"));
    assert_eq!(run.status, "SUCCEEDED");
    assert_eq!(run.execution_arn, r.execution_arn);
    assert!(run.stop_date.is_some());
    for counts in [run.item_counts, run.execution_counts] {
        assert_eq!((counts.succeeded, counts.total, counts.pending), (3, 3, 0));
        assert_eq!((counts.running, counts.failed), (0, 0));
    }
    // The children are executions of their own: listed, described, with histories.
    let children = children_of(&s, &run.map_run_arn);
    assert_eq!(children.len(), 3);
    for c in &children {
        assert_eq!(c.status, "SUCCEEDED");
        assert!(c.execution_arn.starts_with(prefix));
        let d = s
            .describe_execution(ExecutionArnInput {
                execution_arn: c.execution_arn.clone(),
            })
            .unwrap();
        assert_eq!(d.status, "SUCCEEDED");
        let types = history_of(&s, &c.execution_arn);
        assert_eq!(
            types,
            [
                "ExecutionStarted",
                "TaskStateEntered",
                "TaskScheduled",
                "TaskStarted",
                "TaskSucceeded",
                "TaskStateExited",
                "ExecutionSucceeded"
            ]
        );
    }
}

/// Runs ten items of which the first `failing` fail, under `tolerance`.
fn run_with_failures(
    tolerance: Value,
    failing: usize,
) -> (
    DescribeExecutionOutput,
    Vec<String>,
    DescribeMapRunOutput,
    StepFunctions,
) {
    let s = service();
    let arn = create(&s, "Sm", &def(tolerance, "STANDARD"));
    let items: Vec<i64> = (0..10)
        .map(|i| {
            if i < failing {
                -(i as i64) - 1
            } else {
                i as i64
            }
        })
        .collect();
    let (d, types) = run(&s, &arn, &json!(items));
    let run = map_run_of(&s, &d.execution_arn);
    (d, types, run, s)
}

#[test]
fn a_failure_count_is_tolerated_up_to_and_including_its_value() {
    let (d, types, run, _) = run_with_failures(json!({"ToleratedFailureCount": 3}), 3);
    assert_eq!(d.status, "SUCCEEDED");
    assert!(types.contains(&"MapRunSucceeded".to_string()));
    assert_eq!((run.item_counts.failed, run.item_counts.succeeded), (3, 7));
    assert_eq!(run.tolerated_failure_count, 3);
    // A tolerated failure's place holds the child execution's result.
    let out: Value = serde_json::from_str(&d.output.unwrap()).unwrap();
    let failed = &out[1];
    assert_eq!(failed["Status"], "FAILED");
    assert_eq!(failed["Error"], "Item.Bad");
    assert_eq!(failed["Cause"], "item -2");
    assert_eq!(failed["Input"], "-2");
    assert!(failed["ExecutionArn"]
        .as_str()
        .unwrap()
        .contains(":execution:Sm/Items:"));
    assert_eq!(out[5]["n"], 5);

    let (d, types, run, _) = run_with_failures(json!({"ToleratedFailureCount": 3}), 4);
    assert_eq!(d.status, "FAILED");
    assert_eq!(
        d.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    assert!(types.contains(&"MapRunFailed".to_string()));
    assert_eq!(types.last().unwrap(), "ExecutionFailed");
    assert_eq!(run.status, "FAILED");
}

#[test]
fn a_failure_percentage_is_tolerated_up_to_and_including_its_value() {
    let (d, _, run, _) = run_with_failures(json!({"ToleratedFailurePercentage": 30}), 3);
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(run.tolerated_failure_percentage, 30.0);
    let (d, _, run, _) = run_with_failures(json!({"ToleratedFailurePercentage": 30}), 4);
    assert_eq!(d.status, "FAILED");
    assert_eq!(
        d.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    assert_eq!(run.status, "FAILED");
}

#[test]
fn without_a_threshold_one_failure_fails_the_run_and_catch_sees_its_error() {
    let (d, _, map_run, _) = run_with_failures(json!({"MaxConcurrency": 1}), 1);
    assert_eq!(d.status, "FAILED");
    assert_eq!(map_run.status, "FAILED");
    // The first item failed with MaxConcurrency 1: nothing else started.
    assert_eq!(map_run.item_counts.failed, 1);
    assert_eq!(map_run.item_counts.pending, 9);
    let mut caught = def(
        json!({"Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "C"}]}),
        "STANDARD",
    );
    caught["States"]["C"] = json!({"Type": "Pass", "End": true});
    let s = service();
    let arn = create(&s, "Caught", &caught);
    let (d, _) = run(&s, &arn, &json!([-1, 2]));
    assert_eq!(d.status, "SUCCEEDED");
    let out: Value = serde_json::from_str(&d.output.unwrap()).unwrap();
    assert_eq!(out["Error"], "States.ExceedToleratedFailureThreshold");
}

#[test]
fn express_children_are_counted_but_not_listed() {
    let s = service();
    let arn = create(&s, "Sm", &def(json!({}), "EXPRESS"));
    let (d, _) = run(&s, &arn, &json!([1, 2]));
    assert_eq!(d.status, "SUCCEEDED");
    let run = map_run_of(&s, &d.execution_arn);
    assert_eq!(run.execution_counts.succeeded, 2);
    let e = s
        .list_executions(ListExecutionsInput {
            map_run_arn: Some(run.map_run_arn),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.name(), "StateMachineTypeNotSupported");
}

/// A service whose item task waits for a permit of `gate`.
fn gated(gate: Arc<tokio::sync::Semaphore>) -> StepFunctions {
    builder()
        .handler(ITEM, move |r: TaskRequest| {
            let gate = Arc::clone(&gate);
            async move {
                gate.acquire().await.expect("open").forget();
                Ok(r.parameters.clone())
            }
        })
        .build()
        .unwrap()
}

#[test]
fn update_map_run_changes_a_running_run() {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let s = gated(Arc::clone(&gate));
    let arn = create(&s, "Sm", &def(json!({"MaxConcurrency": 1}), "STANDARD"));
    let r = start(&s, &arn, &json!([1, 2, 3, 4, 5, 6]));
    let map_run_arn = eventually("the map run", || {
        try_map_run_of(&s, r.execution_arn.as_str())
    })
    .map_run_arn;
    let describe = || {
        s.describe_map_run(DescribeMapRunInput {
            map_run_arn: map_run_arn.clone(),
        })
        .unwrap()
    };
    eventually("one running child", || {
        (describe().item_counts.running == 1).then_some(())
    });
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(describe().item_counts.running, 1, "MaxConcurrency 1 holds");
    s.update_map_run(UpdateMapRunInput {
        map_run_arn: map_run_arn.clone(),
        max_concurrency: Some(4),
        tolerated_failure_count: Some(2),
        ..Default::default()
    })
    .unwrap();
    eventually("four running children", || {
        (describe().item_counts.running == 4).then_some(())
    });
    let d = describe();
    assert_eq!((d.max_concurrency, d.tolerated_failure_count), (4, 2));
    assert_eq!(d.item_counts.pending, 2);
    // Bad updates are typed errors.
    let bad = |u: UpdateMapRunInput| s.update_map_run(u).unwrap_err().name();
    let base = || UpdateMapRunInput {
        map_run_arn: map_run_arn.clone(),
        ..Default::default()
    };
    assert_eq!(bad(base()), "ValidationException");
    assert_eq!(
        bad(UpdateMapRunInput {
            max_concurrency: Some(-1),
            ..base()
        }),
        "ValidationException"
    );
    let too_many = s
        .update_map_run(UpdateMapRunInput {
            max_concurrency: Some(99_999_999_999),
            ..base()
        })
        .unwrap_err();
    assert!(
        too_many
            .message()
            .contains("less than or equal to 2147483647"),
        "{too_many}"
    );
    assert_eq!(
        bad(UpdateMapRunInput {
            tolerated_failure_percentage: Some(101.0),
            ..base()
        }),
        "ValidationException"
    );
    gate.add_permits(6);
    r.wait_blocking();
    assert_eq!(r.status().as_str(), "SUCCEEDED");
    assert_eq!(describe().status, "SUCCEEDED");
    assert_eq!(
        bad(UpdateMapRunInput {
            max_concurrency: Some(2),
            ..base()
        }),
        "ValidationException",
        "an ended run cannot be updated"
    );
    let missing = map_run_arn.replace(":mapRun:Sm/Items:", ":mapRun:Sm/Items:0");
    assert_eq!(
        bad(UpdateMapRunInput {
            map_run_arn: missing,
            max_concurrency: Some(1),
            ..Default::default()
        }),
        "ResourceNotFound"
    );
    assert_eq!(
        s.describe_map_run(DescribeMapRunInput {
            map_run_arn: "arn:aws:states:us-east-1:123456789012:mapRun:nope".into()
        })
        .unwrap_err()
        .name(),
        "InvalidArn"
    );
}

#[test]
fn stopping_the_parent_aborts_its_map_run_and_children() {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let s = gated(Arc::clone(&gate));
    let arn = create(&s, "Sm", &def(json!({"MaxConcurrency": 2}), "STANDARD"));
    let r = start(&s, &arn, &json!([1, 2, 3]));
    eventually("two running children", || {
        try_map_run_of(&s, r.execution_arn.as_str())
            .is_some_and(|m| m.item_counts.running == 2)
            .then_some(())
    });
    s.stop_execution(StopExecutionInput {
        execution_arn: r.execution_arn.to_string(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(r.status().as_str(), "ABORTED");
    let types: Vec<String> =
        r.with_progress(|p| p.history.iter().map(|e| e.event_type.to_string()).collect());
    assert!(types.contains(&"MapRunAborted".to_string()), "{types:?}");
    let run = map_run_of(&s, r.execution_arn.as_str());
    assert_eq!(run.status, "ABORTED");
    assert_eq!((run.item_counts.aborted, run.item_counts.pending), (2, 1));
    // The aborts reach the children as messages, after the parent ended.
    eventually("both children aborted", || {
        let children = children_of(&s, &run.map_run_arn);
        (children.len() == 2 && children.iter().all(|c| c.status == "ABORTED")).then_some(())
    });
}

/// A Distributed Map whose items come from `reader`; its processor passes items through.
fn reader_def(reader: Value) -> Value {
    json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemReader": reader,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true}}})
}

fn get_object(key: &str, config: Value) -> Value {
    json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": config,
           "Parameters": {"Bucket": "inputs", "Key": key}})
}

fn read_with(s: &StepFunctions, reader: Value, input: Value) -> DescribeExecutionOutput {
    let arn = create(s, &format!("R{}", rand_name()), &reader_def(reader));
    run(s, &arn, &input).0
}

fn rand_name() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn output_of(d: &DescribeExecutionOutput) -> Value {
    assert_eq!(d.status, "SUCCEEDED", "{:?} {:?}", d.error, d.cause);
    serde_json::from_str(d.output.as_deref().unwrap()).unwrap()
}

#[test]
fn item_readers_read_json_jsonl_csv_and_listings() {
    let s = builder()
        .object("inputs", "items.json", r#"[{"a": 1}, {"a": 2}, {"a": 3}]"#)
        .object("inputs", "items.jsonl", "{\"b\": 1}\n{\"b\": 2}\n")
        .object("inputs", "rows.csv", "id,name\n1,x\n2,\"y, z\"\n")
        .object("inputs", "rows.tsv", "1\tx\n2\ty\n")
        .object("inputs", "logs/a.txt", "aaa")
        .object("inputs", "logs/b.txt", "bb")
        .object("inputs", "other.txt", "c")
        .build()
        .unwrap();
    let json_items = read_with(
        &s,
        get_object("items.json", json!({"InputType": "JSON"})),
        json!({}),
    );
    assert_eq!(
        output_of(&json_items),
        json!([{"a": 1}, {"a": 2}, {"a": 3}])
    );
    let capped = read_with(
        &s,
        get_object(
            "items.json",
            json!({"InputType": "JSON", "MaxItemsPath": "$.max"}),
        ),
        json!({"max": 2}),
    );
    assert_eq!(output_of(&capped), json!([{"a": 1}, {"a": 2}]));
    let lines = read_with(
        &s,
        get_object("items.jsonl", json!({"InputType": "JSONL"})),
        json!({}),
    );
    assert_eq!(output_of(&lines), json!([{"b": 1}, {"b": 2}]));
    let csv = read_with(
        &s,
        get_object("rows.csv", json!({"InputType": "CSV"})),
        json!({}),
    );
    assert_eq!(
        output_of(&csv),
        json!([{"id": "1", "name": "x"}, {"id": "2", "name": "y, z"}])
    );
    let tsv = read_with(
        &s,
        get_object(
            "rows.tsv",
            json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN",
                   "CSVHeaders": ["n", "v"], "CSVDelimiter": "TAB", "MaxItems": 1}),
        ),
        json!({}),
    );
    assert_eq!(output_of(&tsv), json!([{"n": "1", "v": "x"}]));
    let listed = read_with(
        &s,
        json!({"Resource": "arn:aws:states:::s3:listObjectsV2",
               "Parameters": {"Bucket": "inputs", "Prefix.$": "$.prefix"}}),
        json!({"prefix": "logs/"}),
    );
    let listed = output_of(&listed);
    let keys: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["logs/a.txt", "logs/b.txt"]);
    assert_eq!(listed[0]["Size"], 3);
    assert_eq!(listed[0]["StorageClass"], "STANDARD");
}

#[test]
fn an_inventory_manifest_reads_the_rows_of_its_csv_files() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"\"src\",\"a.txt\",\"3\"\n\"src\",\"b c.txt\",\"5\"\n")
        .unwrap();
    let manifest = json!({"sourceBucket": "src", "destinationBucket": "arn:aws:s3:::inputs",
        "version": "2016-11-30", "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size",
        "files": [{"key": "inv/data/1.csv.gz", "size": 1, "MD5checksum": "x"},
                  {"key": "inv/data/2.csv", "size": 1, "MD5checksum": "y"}]});
    let s = builder()
        .object("inputs", "inv/manifest.json", manifest.to_string())
        .object("inputs", "inv/data/1.csv.gz", gz.finish().unwrap())
        .object("inputs", "inv/data/2.csv", "\"src\",\"d.txt\",\"7\"\n")
        .build()
        .unwrap();
    let all = read_with(
        &s,
        get_object("inv/manifest.json", json!({"InputType": "MANIFEST"})),
        json!({}),
    );
    assert_eq!(
        output_of(&all),
        json!([{"Bucket": "src", "Key": "a.txt", "Size": "3"},
               {"Bucket": "src", "Key": "b c.txt", "Size": "5"},
               {"Bucket": "src", "Key": "d.txt", "Size": "7"}])
    );
    // MaxItems counts across the files.
    let capped = read_with(
        &s,
        get_object(
            "inv/manifest.json",
            json!({"InputType": "MANIFEST", "MaxItems": 2}),
        ),
        json!({}),
    );
    assert_eq!(output_of(&capped).as_array().unwrap().len(), 2);
    let missing = read_with(
        &s,
        get_object("inv/data/2.csv", json!({"InputType": "MANIFEST"})),
        json!({}),
    );
    assert_eq!(missing.status, "FAILED");
    assert_eq!(missing.error.as_deref(), Some("States.ItemReaderFailed"));
}

#[test]
fn item_readers_never_leave_the_object_root() {
    let base = temp_dir("objects");
    let root = base.join("root");
    std::fs::create_dir_all(root.join("inputs")).unwrap();
    std::fs::write(base.join("secret.json"), "[1, 2]").unwrap();
    std::fs::write(root.join("inputs").join("ok.json"), "[7]").unwrap();
    let s = builder().objects_dir(&root).build().unwrap();
    let ok = read_with(
        &s,
        get_object("ok.json", json!({"InputType": "JSON"})),
        json!({}),
    );
    assert_eq!(output_of(&ok), json!([7]));
    for key in [
        "../secret.json",
        "../../secret.json",
        "%2e%2e/secret.json",
        "%2E%2E%2Fsecret.json",
        "/etc/passwd",
        "..\\secret.json",
    ] {
        let d = read_with(&s, get_object(key, json!({"InputType": "JSON"})), json!({}));
        assert_eq!(d.status, "FAILED", "{key}");
        assert_eq!(d.error.as_deref(), Some("States.ItemReaderFailed"), "{key}");
    }
    let bucket_escape = json!({"Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "..", "Key": "secret.json"}});
    let d = read_with(&s, bucket_escape, json!({}));
    assert_eq!(d.error.as_deref(), Some("States.ItemReaderFailed"));
    let missing = read_with(
        &s,
        get_object("nope.json", json!({"InputType": "JSON"})),
        json!({}),
    );
    assert_eq!(missing.error.as_deref(), Some("States.ItemReaderFailed"));
}

/// A Distributed Map of the item task with a ResultWriter.
fn writer_def(writer: Value, extra: Value) -> Value {
    let mut d = def(extra, "STANDARD");
    d["States"]["M"]["ResultWriter"] = writer;
    d
}

/// An object of bucket `results` under the objects root (a JSON or JSON Lines file).
fn read_object(root: &std::path::Path, key: &str) -> Value {
    let text = std::fs::read_to_string(root.join("results").join(key)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| {
        Value::Array(
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        )
    })
}

#[test]
fn result_writer_writes_manifest_and_split_result_files() {
    let root = temp_dir("results");
    let s = builder()
        .objects_dir(&root)
        .result_file_limit(600)
        .handler(ITEM, |r: TaskRequest| async move {
            let n = r.parameters["n"].as_i64().unwrap_or(0);
            if n < 0 {
                Err(TaskFailure::new("Item.Bad", "negative"))
            } else {
                Ok(json!({"n": n}))
            }
        })
        .build()
        .unwrap();
    let arn = create(
        &s,
        "Sm",
        &writer_def(
            json!({"Resource": "arn:aws:states:::s3:putObject",
                   "Parameters": {"Bucket": "results", "Prefix.$": "$.prefix"}}),
            json!({"ToleratedFailureCount": 1, "ItemsPath": "$.items"}),
        ),
    );
    let (d, _) = run(
        &s,
        &arn,
        &json!({"prefix": "out", "items": [0, 1, -2, 3, 4, 5]}),
    );
    let out = output_of(&d);
    let run_arn = out["MapRunArn"].as_str().unwrap().to_string();
    let id = run_arn.rsplit(':').next().unwrap();
    assert_eq!(
        out["ResultWriterDetails"],
        json!({"Bucket": "results", "Key": format!("out/{id}/manifest.json")})
    );
    let manifest = read_object(&root, &format!("out/{id}/manifest.json"));
    assert_eq!(manifest["DestinationBucket"], "results");
    assert_eq!(manifest["MapRunArn"], run_arn.as_str());
    assert_eq!(manifest["ResultFiles"]["PENDING"], json!([]));
    let failed = manifest["ResultFiles"]["FAILED"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["Key"], format!("out/{id}/FAILED_0.json"));
    let failed_items = read_object(&root, &format!("out/{id}/FAILED_0.json"));
    assert_eq!(failed_items[0]["Error"], "Item.Bad");
    assert_eq!(failed_items[0]["Input"], "-2");
    // Five whole execution results of ~300 bytes do not fit one 600-byte file.
    let succeeded = manifest["ResultFiles"]["SUCCEEDED"].as_array().unwrap();
    assert!(succeeded.len() > 1, "{succeeded:?}");
    let mut outputs = Vec::new();
    for (i, f) in succeeded.iter().enumerate() {
        assert_eq!(f["Key"], format!("out/{id}/SUCCEEDED_{i}.json"));
        let items = read_object(&root, f["Key"].as_str().unwrap());
        let size = std::fs::metadata(root.join("results").join(f["Key"].as_str().unwrap()))
            .unwrap()
            .len();
        assert_eq!(f["Size"], size);
        for e in items.as_array().unwrap() {
            assert_eq!(e["Status"], "SUCCEEDED");
            assert!(e["ExecutionArn"]
                .as_str()
                .unwrap()
                .contains(":execution:Sm/Items:"));
            outputs.push(serde_json::from_str::<Value>(e["Output"].as_str().unwrap()).unwrap());
        }
    }
    // Results are written as children finish, in no particular order (as on AWS).
    outputs.sort_by_key(|o| o["n"].as_i64());
    assert_eq!(outputs, [0, 1, 3, 4, 5].map(|n| json!({"n": n})));
    let run = map_run_of(&s, &d.execution_arn);
    assert_eq!(run.item_counts.results_written, 6);
}

#[test]
fn writer_config_alone_shapes_the_output_without_writing() {
    let s = builder()
        .handler(ITEM, |r: TaskRequest| async move {
            let n = r.parameters["n"].as_i64().unwrap_or(0);
            Ok(json!([n, n * 10]))
        })
        .build()
        .unwrap();
    for (t, expected) in [
        ("FLATTEN", json!([1, 10, 2, 20])),
        ("COMPACT", json!([[1, 10], [2, 20]])),
    ] {
        let arn = create(
            &s,
            &format!("W{t}"),
            &writer_def(json!({"WriterConfig": {"Transformation": t}}), json!({})),
        );
        let (d, _) = run(&s, &arn, &json!([1, 2]));
        assert_eq!(output_of(&d), expected, "{t}");
    }
    let arn = create(
        &s,
        "WNone",
        &writer_def(
            json!({"WriterConfig": {"Transformation": "NONE"}}),
            json!({}),
        ),
    );
    let (d, _) = run(&s, &arn, &json!([1]));
    let out = output_of(&d);
    assert_eq!(out[0]["Status"], "SUCCEEDED");
    assert_eq!(out[0]["Output"], "[1,10]");
    let arn = create(
        &s,
        "WBad",
        &writer_def(
            json!({"Resource": "arn:aws:states:::s3:getObject"}),
            json!({}),
        ),
    );
    let (d, _) = run(&s, &arn, &json!([1]));
    assert_eq!(d.error.as_deref(), Some("States.ResultWriterFailed"));
}

#[test]
fn item_batcher_groups_items_and_counts_items_and_executions_apart() {
    let s = service();
    let mut d = reader_def(json!(null));
    let m = d["States"]["M"].as_object_mut().unwrap();
    m.remove("ItemReader");
    m.insert(
        "ItemBatcher".into(),
        json!({"MaxItemsPerBatchPath": "$.per", "BatchInput": {"k.$": "$.k"}}),
    );
    m.insert("ItemsPath".into(), json!("$.items"));
    m.insert("ItemSelector".into(), json!({"v.$": "$$.Map.Item.Value"}));
    let arn = create(&s, "Batches", &d);
    let (out, _) = run(
        &s,
        &arn,
        &json!({"per": 3, "k": "key", "items": [1, 2, 3, 4, 5, 6, 7]}),
    );
    assert_eq!(
        output_of(&out),
        json!([
            {"BatchInput": {"k": "key"}, "Items": [{"v": 1}, {"v": 2}, {"v": 3}]},
            {"BatchInput": {"k": "key"}, "Items": [{"v": 4}, {"v": 5}, {"v": 6}]},
            {"BatchInput": {"k": "key"}, "Items": [{"v": 7}]}
        ])
    );
    let map_run = map_run_of(&s, &out.execution_arn);
    let (items, executions) = (map_run.item_counts, map_run.execution_counts);
    assert_eq!((items.total, items.succeeded), (7, 7));
    assert_eq!((executions.total, executions.succeeded), (3, 3));
    let (bad, _) = run(&s, &arn, &json!({"per": 0, "k": 1, "items": [1]}));
    assert_eq!(bad.error.as_deref(), Some("States.Runtime"));
}

/// A service whose item task fails for negative items while `failing` is set, and that
/// counts the invocations of each item.
fn counting(
    failing: Arc<std::sync::atomic::AtomicBool>,
    calls: Arc<std::sync::Mutex<Vec<i64>>>,
) -> StepFunctions {
    builder()
        .handler(ITEM, move |r: TaskRequest| {
            let n = r.parameters["n"].as_i64().unwrap_or(0);
            calls.lock().unwrap().push(n);
            let fail = n < 0 && failing.load(std::sync::atomic::Ordering::Relaxed);
            async move {
                if fail {
                    Err(TaskFailure::new("Item.Bad", "not yet"))
                } else {
                    Ok(json!(n.abs()))
                }
            }
        })
        .build()
        .unwrap()
}

fn redrive_map_run(execution_type: &str) {
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let calls = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = counting(Arc::clone(&failing), Arc::clone(&calls));
    let mut d = def(
        json!({"MaxConcurrency": 1, "ToleratedFailureCount": 1}),
        execution_type,
    );
    d["States"]["M"]["ItemProcessor"]["States"]["T"]["Parameters"] = json!({"n.$": "$"});
    let arn = create(&s, "Sm", &d);
    let items = json!([0, 1, 2, -3, 4, -5, 6, 7, 8, 9]);
    let r = start(&s, &arn, &items);
    r.wait_blocking();
    assert_eq!(r.status().as_str(), "FAILED");
    let first = map_run_of(&s, r.execution_arn.as_str());
    assert_eq!(first.status, "FAILED");
    assert_eq!(
        (first.item_counts.failed, first.item_counts.pending),
        (2, 4)
    );
    let failed_children: Vec<String> = if execution_type == "STANDARD" {
        children_of(&s, &first.map_run_arn)
            .into_iter()
            .filter(|c| c.status == "FAILED")
            .map(|c| c.execution_arn)
            .collect()
    } else {
        Vec::new()
    };
    for arn in &failed_children {
        let d = s
            .describe_execution(ExecutionArnInput {
                execution_arn: arn.clone(),
            })
            .unwrap();
        assert_eq!(d.redrive_status, "REDRIVABLE_BY_MAP_RUN");
        let e = s
            .redrive_execution(RedriveExecutionInput {
                execution_arn: arn.clone(),
                client_token: None,
            })
            .unwrap_err();
        assert_eq!(e.name(), "ExecutionNotRedrivable");
    }
    failing.store(false, std::sync::atomic::Ordering::Relaxed);
    calls.lock().unwrap().clear();
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: r.execution_arn.to_string(),
        client_token: None,
    })
    .unwrap();
    r.wait_blocking();
    assert_eq!(r.status().as_str(), "SUCCEEDED");
    let out: Value = serde_json::from_str(&sfn_runtime::api::describe(&r).output.unwrap()).unwrap();
    assert_eq!(out, json!([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    // Only the unsuccessful and never-started items ran again.
    let mut again = calls.lock().unwrap().clone();
    again.sort();
    assert_eq!(again, [-5, -3, 6, 7, 8, 9]);
    let types: Vec<String> =
        r.with_progress(|p| p.history.iter().map(|e| e.event_type.to_string()).collect());
    let redriven = types.iter().position(|t| t == "ExecutionRedriven").unwrap();
    assert!(
        types[redriven..].contains(&"MapRunRedriven".to_string()),
        "{types:?}"
    );
    assert!(!types[redriven..].contains(&"MapRunStarted".to_string()));
    // The same Map Run, redriven once.
    let run = map_run_of(&s, r.execution_arn.as_str());
    assert_eq!(run.map_run_arn, first.map_run_arn);
    assert_eq!((run.status.as_str(), run.redrive_count), ("SUCCEEDED", 1));
    assert!(run.redrive_date.is_some());
    assert_eq!((run.item_counts.succeeded, run.item_counts.failed), (10, 0));
    if execution_type == "STANDARD" {
        // Failed STANDARD children were redriven: same ARNs, histories continued.
        let children = children_of(&s, &run.map_run_arn);
        assert_eq!(children.len(), 10);
        assert_eq!(failed_children.len(), 2);
        for arn in failed_children {
            let c = children.iter().find(|c| c.execution_arn == arn).unwrap();
            assert_eq!((c.status.as_str(), c.redrive_count), ("SUCCEEDED", 1));
            let types = history_of(&s, &arn);
            assert_eq!(types.first().map(String::as_str), Some("ExecutionStarted"));
            assert!(types.iter().any(|t| t == "ExecutionFailed"));
            assert!(types.iter().any(|t| t == "ExecutionRedriven"));
            assert_eq!(types.last().map(String::as_str), Some("ExecutionSucceeded"));
        }
    }
}

#[test]
fn redriving_the_parent_redrives_its_map_run_with_standard_children() {
    redrive_map_run("STANDARD");
}

#[test]
fn redriving_the_parent_reruns_failed_express_children() {
    redrive_map_run("EXPRESS");
}

#[test]
fn result_writer_writes_json_lines_when_asked() {
    let root = temp_dir("results-jsonl");
    let s = builder()
        .objects_dir(&root)
        .handler(ITEM, |r: TaskRequest| async move {
            Ok(json!([r.parameters["n"].clone()]))
        })
        .build()
        .unwrap();
    let arn = create(
        &s,
        "Lines",
        &writer_def(
            json!({"Resource": "arn:aws:states:::s3:putObject",
                   "Parameters": {"Bucket": "results", "Prefix": "p"},
                   "WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSONL"}}),
            json!({}),
        ),
    );
    let (d, _) = run(&s, &arn, &json!([1, 2, 3]));
    let out = output_of(&d);
    let manifest = read_object(&root, out["ResultWriterDetails"]["Key"].as_str().unwrap());
    let file = manifest["ResultFiles"]["SUCCEEDED"][0]["Key"]
        .as_str()
        .unwrap();
    assert!(file.ends_with("/SUCCEEDED_0.jsonl"), "{file}");
    let text = std::fs::read_to_string(root.join("results").join(file)).unwrap();
    assert!(text.ends_with('\n'), "{text:?}");
    // One value a line, in the order the children finished.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    assert_eq!(lines, ["1", "2", "3"]);
}
