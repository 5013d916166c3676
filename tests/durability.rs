//! The data directory under stress: logs cut anywhere by a crash, files missing, damaged
//! or not files at all, names at AWS's limits, and processes that must not share it.

mod common;

use common::*;
use serde_json::json;
use sfn_runtime::api::types::*;
use sfn_runtime::api::{BuildError, StepFunctions};
use sfn_runtime::runtime::TaskRequest;
use sfn_runtime::store::StoreError;
use sfn_runtime::types::HistoryEventType;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn def() -> serde_json::Value {
    json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "T"},
        "T": {"Type": "Task", "Resource": FLAKY, "ResultPath": "$.t", "Next": "B"},
        "B": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "End": true}}})
}

fn history_ids(s: &StepFunctions, arn: &str) -> Vec<u64> {
    history_events(s, arn)
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The byte offsets at which the frames of a log start.
fn frame_starts(log: &[u8]) -> Vec<usize> {
    use sfn_runtime::store::format::{read_frame, FrameRead, HEADER_LEN};
    let mut starts = Vec::new();
    let mut at = HEADER_LEN;
    while let FrameRead::Frame(_, next) = read_frame(log, at) {
        starts.push(at);
        at = next;
    }
    assert_eq!(at, log.len(), "the original log is whole");
    starts
}

/// Whether a frame of the log holds a redrive.
fn is_redrive(frame: &[u8]) -> bool {
    use sfn_runtime::store::format::Entry;
    let mut aligned = rkyv::util::AlignedVec::<16>::new();
    aligned.extend_from_slice(frame);
    matches!(
        rkyv::from_bytes::<Entry, rkyv::rancor::Error>(&aligned),
        Ok(Entry::Redriven { .. })
    )
}

/// A crash may cut the log anywhere. Whatever is left, a new process finds the execution,
/// finishes it (a redrive if an end was kept, a resume if not), and a third process reads
/// it back whole: event ids consecutive, one start, one success, a redrive event per
/// redrive.
#[test]
fn a_log_cut_at_any_byte_of_its_last_records_is_finished_and_read_back_whole() {
    let base = temp_dir("torn-base");
    let arn = {
        let s = flaky_service(&base, true);
        let sm = create(&s, "Sm", &def());
        let r = start(&s, &sm, &json!({}));
        r.wait_blocking();
        assert_eq!(describe_arn(&s, r.execution_arn.as_str()).status, "FAILED");
        r.execution_arn.clone()
    };
    {
        // Redriven once, failing again: the log holds two ends.
        let s = flaky_service(&base, true);
        s.redrive_execution(RedriveExecutionInput {
            execution_arn: arn.to_string(),
            client_token: None,
        })
        .unwrap();
        assert_eq!(wait_end(&s, arn.as_str()).status, "FAILED");
    }
    let log_path = |d: &Path| {
        let dirs: Vec<_> = std::fs::read_dir(d.join("executions/Sm"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        dirs[0].join("log.rkyv")
    };
    let log = std::fs::read(log_path(&base)).unwrap();
    let starts = frame_starts(&log);
    // Every byte from the record before the redrive to the end: the first end stands or
    // the redrive is lost, or the redrive stands and the second end is lost.
    let redrive = starts
        .iter()
        .position(|&at| {
            use sfn_runtime::store::format::{read_frame, FrameRead};
            matches!(read_frame(&log, at), FrameRead::Frame(p, _) if is_redrive(p))
        })
        .expect("a redrive record");
    let from = starts[redrive - 1];
    let work = temp_dir("torn-work");
    let mut outcomes = [0usize; 2];
    for cut in from..log.len() {
        let _ = std::fs::remove_dir_all(&work);
        copy_dir(&base, &work);
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(log_path(&work))
            .unwrap();
        f.set_len(cut as u64).unwrap();
        drop(f);
        {
            let s = builder()
                .data_dir(&work)
                .resume_running(false)
                .handler(FLAKY, |_r: TaskRequest| async { Ok(json!("done")) })
                .build()
                .unwrap();
            assert!(
                s.store_errors().is_empty(),
                "cut {cut}: {:?}",
                s.store_errors()
            );
            let status = describe_arn(&s, arn.as_str()).status;
            let r = if status == "FAILED" {
                outcomes[0] += 1;
                s.redrive_execution(RedriveExecutionInput {
                    execution_arn: arn.to_string(),
                    client_token: None,
                })
                .unwrap_or_else(|e| panic!("cut {cut}: {e}"));
                s.list_executions(ListExecutionsInput {
                    state_machine_arn: Some(
                        "arn:aws:states:us-east-1:123456789012:stateMachine:Sm".into(),
                    ),
                    ..Default::default()
                })
                .unwrap();
                wait_end(&s, arn.as_str())
            } else {
                assert_eq!(status, "RUNNING", "cut {cut}");
                outcomes[1] += 1;
                s.resume_execution(arn.as_str())
                    .unwrap_or_else(|e| panic!("cut {cut}: {e}"));
                wait_end(&s, arn.as_str())
            };
            assert_eq!(r.status, "SUCCEEDED", "cut {cut}");
        }
        let s = builder().data_dir(&work).build().unwrap();
        assert!(
            s.store_errors().is_empty(),
            "cut {cut}: {:?}",
            s.store_errors()
        );
        let d = describe_arn(&s, arn.as_str());
        assert_eq!(d.status, "SUCCEEDED", "cut {cut}");
        assert_eq!(
            output(&d),
            json!({"a": 1, "t": "done", "b": 2}),
            "cut {cut}"
        );
        let ids = history_ids(&s, arn.as_str());
        assert_eq!(
            ids,
            (1..=ids.len() as u64).collect::<Vec<_>>(),
            "cut {cut}: ids consecutive"
        );
        let types = history_types(&s, arn.as_str());
        let count = |t: &str| types.iter().filter(|x| *x == t).count();
        assert_eq!(count("ExecutionStarted"), 1, "cut {cut}: {types:?}");
        assert_eq!(count("ExecutionSucceeded"), 1, "cut {cut}: {types:?}");
        assert_eq!(
            count("ExecutionRedriven") as u32,
            d.redrive_count,
            "cut {cut}: {types:?}"
        );
        assert_eq!(types.last().unwrap(), "ExecutionSucceeded", "cut {cut}");
    }
    // Both kinds of cut were tried: ends kept and ends lost.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
    eprintln!(
        "{} cuts: {} redriven, {} resumed",
        log.len() - from,
        outcomes[0],
        outcomes[1]
    );
}

#[test]
fn a_second_service_on_a_directory_in_use_is_refused_naming_the_holder() {
    let dir = temp_dir("locked");
    let first = builder().data_dir(&dir).build().unwrap();
    match builder().data_dir(&dir).build() {
        Err(BuildError::Store(StoreError::Locked { dir: d, holder })) => {
            assert_eq!(d, dir.path());
            assert_eq!(holder, Some(std::process::id()));
        }
        Err(e) => panic!("expected Locked, got {e}"),
        Ok(_) => panic!("expected Locked, got a service"),
    }
    // A reader needs no lock.
    builder().data_dir(&dir).read_only().build().unwrap();
    drop(first);
    builder().data_dir(&dir).build().unwrap();
}

/// A Distributed Map over 3 items, for the tests of generated ids.
fn distributed() -> serde_json::Value {
    json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true}}})
}

fn map_run_and_children(s: &StepFunctions, execution_arn: &str) -> (String, Vec<String>) {
    let runs = s
        .list_map_runs(ListMapRunsInput {
            execution_arn: execution_arn.into(),
            ..Default::default()
        })
        .unwrap();
    let run = runs.map_runs[0].map_run_arn.clone();
    let children = s
        .list_executions(ListExecutionsInput {
            map_run_arn: Some(run.clone()),
            ..Default::default()
        })
        .unwrap()
        .executions
        .into_iter()
        .map(|e| e.name)
        .collect();
    (run, children)
}

/// Two processes draw their Map Run ids and child names independently: a second run on
/// the same directory keeps the first one's Map Run.
#[test]
fn generated_ids_differ_between_services_unless_seeded() {
    let dir = temp_dir("ids");
    let mut seen = Vec::new();
    for name in ["one", "two"] {
        let s = builder().data_dir(&dir).build().unwrap();
        let sm = create(&s, "Dm", &distributed());
        let r = s
            .start(StartExecutionInput {
                state_machine_arn: sm,
                name: Some(name.into()),
                input: Some("[1, 2, 3]".into()),
                trace_header: None,
            })
            .unwrap();
        r.wait_blocking();
        seen.push(map_run_and_children(&s, r.execution_arn.as_str()));
    }
    assert_ne!(seen[0].0.rsplit(':').next(), seen[1].0.rsplit(':').next());
    for child in &seen[0].1 {
        assert!(!seen[1].1.contains(child), "child name {child} drawn twice");
    }
    let s = builder().data_dir(&dir).read_only().build().unwrap();
    for (run, _) in &seen {
        let d = s
            .describe_map_run(DescribeMapRunInput {
                map_run_arn: run.clone(),
            })
            .unwrap();
        assert_eq!(d.status, "SUCCEEDED");
    }
    // With a seed, the same ids again.
    let seeded = |_: ()| {
        let s = builder().seed(42).build().unwrap();
        let sm = create(&s, "Dm", &distributed());
        let r = start(&s, &sm, &json!([1, 2, 3]));
        r.wait_blocking();
        map_run_and_children(&s, r.execution_arn.as_str())
    };
    let (a, b) = (seeded(()), seeded(()));
    assert_eq!(a.0.rsplit(':').next(), b.0.rsplit(':').next());
}

/// AWS names have up to 80 characters of any script: encoded byte by byte they pass the
/// 255 bytes a file name may have.
#[test]
fn names_of_80_non_ascii_characters_are_kept() {
    let dir = temp_dir("long-names");
    let sm_name: String = "状".repeat(80);
    let ex_name: String = "態".repeat(79) + "x";
    let arn = {
        let s = flaky_service(&dir, true);
        let sm = create(&s, &sm_name, &def());
        let r = s
            .start(StartExecutionInput {
                state_machine_arn: sm,
                name: Some(ex_name.clone()),
                input: Some("{}".into()),
                trace_header: None,
            })
            .unwrap();
        r.wait_blocking();
        assert_eq!(r.journal_error(), None);
        r.execution_arn.clone()
    };
    let s = flaky_service(&dir, false);
    assert!(s.store_errors().is_empty(), "{:?}", s.store_errors());
    assert_eq!(describe_arn(&s, arn.as_str()).status, "FAILED");
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: arn.to_string(),
        client_token: None,
    })
    .unwrap();
    assert_eq!(wait_end(&s, arn.as_str()).status, "SUCCEEDED");
}

/// A state machine file that is lost or damaged hides nothing: its executions are listed
/// and redriven with the definition they ran; the damage is reported. A deleted state
/// machine's executions stay listed, and cannot be redriven, as on AWS.
#[test]
fn executions_outlive_a_lost_state_machine_file_but_not_a_deletion() {
    let dir = temp_dir("lost-machine");
    let (arn, sm) = {
        let s = flaky_service(&dir, true);
        let sm = create(&s, "Sm", &def());
        let r = start(&s, &sm, &json!({}));
        r.wait_blocking();
        (r.execution_arn.clone(), sm)
    };
    let machine_file = dir.join("state-machines/Sm.rkyv");
    for damage in ["missing", "garbage"] {
        match damage {
            "missing" => std::fs::remove_file(&machine_file).unwrap(),
            _ => std::fs::write(&machine_file, b"garbage").unwrap(),
        }
        let s = builder().data_dir(&dir).read_only().build().unwrap();
        let errors = s.store_errors().join("\n");
        assert!(errors.contains("Sm"), "{damage}: {errors}");
        let listed = s
            .list_executions(ListExecutionsInput {
                state_machine_arn: Some(sm.clone()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(listed.executions.len(), 1, "{damage}");
        let d = describe_arn(&s, arn.as_str());
        assert_eq!(d.redrive_status, "REDRIVABLE", "{damage}");
    }
    {
        let s = flaky_service(&dir, false);
        s.redrive_execution(RedriveExecutionInput {
            execution_arn: arn.to_string(),
            client_token: None,
        })
        .unwrap();
        assert_eq!(wait_end(&s, arn.as_str()).status, "SUCCEEDED");
        // A deletion is kept as such.
        let r = start(&s, &sm, &json!({"second": true}));
        let second = r.execution_arn.clone();
        r.wait_blocking();
        s.delete_state_machine(StateMachineArnInput {
            state_machine_arn: sm.clone(),
        })
        .unwrap();
        drop(s);
        let s = flaky_service(&dir, false);
        let d = describe_arn(&s, second.as_str());
        assert_eq!(d.status, "SUCCEEDED");
        assert!(s
            .describe_state_machine(StateMachineArnInput {
                state_machine_arn: sm.clone(),
            })
            .is_err());
    }
}

/// Something that is not a regular file where the store expects one (a FIFO would block
/// every reader forever) is skipped with a warning naming it.
#[test]
fn a_fifo_in_place_of_a_log_is_skipped_with_a_warning() {
    let dir = temp_dir("fifo");
    let arn = {
        let s = flaky_service(&dir, true);
        let sm = create(&s, "Sm", &def());
        let a = start(&s, &sm, &json!({"n": 1}));
        let b = start(&s, &sm, &json!({"n": 2}));
        a.wait_blocking();
        b.wait_blocking();
        let log = dir
            .join("executions/Sm")
            .join(b.name.as_str())
            .join("log.rkyv");
        std::fs::remove_file(&log).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&log)
            .status()
            .unwrap();
        assert!(made.success());
        (a.execution_arn.clone(), b.execution_arn.clone())
    };
    for read_only in [true, false] {
        let mut b = builder().data_dir(&dir);
        if read_only {
            b = b.read_only();
        }
        let s = b.build().unwrap();
        let errors = s.store_errors().join("\n");
        assert!(
            errors.contains("log.rkyv") && errors.contains("not a regular file"),
            "{errors}"
        );
        assert_eq!(describe_arn(&s, arn.0.as_str()).status, "FAILED");
        assert!(s
            .describe_execution(ExecutionArnInput {
                execution_arn: arn.1.to_string(),
            })
            .is_err());
    }
}

/// A service opened read-only never continues what it finds running, and refuses to write.
#[test]
fn a_read_only_service_continues_nothing_and_writes_nothing() {
    let dir = temp_dir("read-only");
    let arn = {
        let s = builder()
            .data_dir(&dir)
            .handler(FLAKY, |_r: TaskRequest| std::future::pending())
            .build()
            .unwrap();
        let sm = create(&s, "Sm", &def());
        let r = start(&s, &sm, &json!({}));
        eventually("the task started", || {
            (count_events(&r, HistoryEventType::TaskStarted) > 0).then_some(())
        });
        r.execution_arn.clone()
    };
    let called = Arc::new(AtomicBool::new(false));
    let c = Arc::clone(&called);
    let s = builder()
        .data_dir(&dir)
        .read_only()
        .handler(FLAKY, move |_r: TaskRequest| {
            c.store(true, Ordering::Relaxed);
            async { Ok(json!("done")) }
        })
        .build()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(describe_arn(&s, arn.as_str()).status, "RUNNING");
    assert!(!called.load(Ordering::Relaxed), "a reader ran the task");
    let e = s
        .create_state_machine(CreateStateMachineInput {
            name: "New".into(),
            definition: def().to_string(),
            role_arn: ROLE.into(),
            r#type: None,
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.name(), "InternalFailure");
    assert_eq!(
        s.resume_execution(arn.as_str()).unwrap_err().name(),
        "InternalFailure"
    );
}

/// A Map Run kept in the data directory is described by a later process as it ended,
/// results written included (they are counted after the run ends).
#[test]
fn a_kept_map_run_counts_the_results_it_wrote() {
    let dir = temp_dir("results-written");
    let run = {
        let s = builder().data_dir(&dir).build().unwrap();
        let mut def = distributed();
        def["States"]["M"]["ResultWriter"] = json!({"Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "results", "Prefix": "out"}});
        let sm = create(&s, "Dm", &def);
        let r = start(&s, &sm, &json!([1, 2, 3]));
        r.wait_blocking();
        map_run_and_children(&s, r.execution_arn.as_str()).0
    };
    let s = builder().data_dir(&dir).read_only().build().unwrap();
    let d = s
        .describe_map_run(DescribeMapRunInput { map_run_arn: run })
        .unwrap();
    assert_eq!(d.status, "SUCCEEDED");
    assert_eq!(d.item_counts.results_written, 3);
    assert_eq!(d.execution_counts.results_written, 3);
}

/// StopExecution of an execution that waits to be resumed records its abort (nothing else
/// would), keeps it across processes, and a redrive then continues it.
#[test]
fn an_execution_waiting_to_be_resumed_can_be_stopped_and_then_redriven() {
    let dir = temp_dir("stop-orphan");
    let arn = {
        let s = builder()
            .data_dir(&dir)
            .handler(FLAKY, |_r: TaskRequest| std::future::pending())
            .build()
            .unwrap();
        let sm = create(&s, "Sm", &def());
        let r = start(&s, &sm, &json!({}));
        eventually("the task started", || {
            (count_events(&r, HistoryEventType::TaskStarted) > 0).then_some(())
        });
        r.execution_arn.clone()
    };
    {
        let s = builder()
            .data_dir(&dir)
            .resume_running(false)
            .build()
            .unwrap();
        assert_eq!(describe_arn(&s, arn.as_str()).status, "RUNNING");
        s.stop_execution(StopExecutionInput {
            execution_arn: arn.to_string(),
            error: Some("Operator.Stop".into()),
            cause: Some("its process died".into()),
        })
        .unwrap();
        assert_eq!(describe_arn(&s, arn.as_str()).status, "ABORTED");
    }
    let s = flaky_service(&dir, false);
    let d = describe_arn(&s, arn.as_str());
    assert_eq!(d.status, "ABORTED");
    assert_eq!(d.error.as_deref(), Some("Operator.Stop"));
    assert_eq!(d.redrive_status, "REDRIVABLE");
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: arn.to_string(),
        client_token: None,
    })
    .unwrap();
    assert_eq!(wait_end(&s, arn.as_str()).status, "SUCCEEDED");
    let ids = history_ids(&s, arn.as_str());
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    let types = history_types(&s, arn.as_str());
    assert!(types.contains(&"ExecutionAborted".to_string()), "{types:?}");
}
