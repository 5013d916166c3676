//! Data directories damaged on purpose, record by record: whatever a file says, a service
//! that opens it reports what is wrong, runs what it can, and never panics, hangs or
//! allocates what the damage asks for.

mod common;

use common::*;
use rkyv::rancor;
use rkyv::util::AlignedVec;
use serde_json::json;
use sfn_runtime::api::types::*;
use sfn_runtime::runtime::TaskRequest;
use sfn_runtime::store::format::{
    frame, header, read_frame, Entry, FrameRead, MapRunMeta, HEADER_LEN,
};
use std::path::{Path, PathBuf};

fn log_of(dir: &Path, machine: &str, name: &str) -> PathBuf {
    dir.join("executions")
        .join(machine)
        .join(name)
        .join("log.rkyv")
}

/// The entries of a log, and the log rewritten from (changed) entries.
fn entries(path: &Path) -> Vec<Entry> {
    let bytes = std::fs::read(path).unwrap();
    let mut at = HEADER_LEN;
    let mut out = Vec::new();
    while let FrameRead::Frame(p, next) = read_frame(&bytes, at) {
        let mut aligned = AlignedVec::<16>::new();
        aligned.extend_from_slice(p);
        out.push(rkyv::from_bytes::<Entry, rancor::Error>(&aligned).unwrap());
        at = next;
    }
    out
}

fn rewrite(path: &Path, entries: &[Entry]) {
    let mut bytes = header().to_vec();
    for e in entries {
        bytes.extend(frame(&rkyv::to_bytes::<rancor::Error>(e).unwrap()));
    }
    std::fs::write(path, bytes).unwrap();
}

/// A FAILED execution of a Parallel whose branch fails: its end holds a resume tree.
fn failed_parallel(dir: &Path) -> String {
    let s = flaky_service(dir, true);
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
        "Branches": [
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FLAKY, "End": true}}},
            {"StartAt": "U", "States": {"U": {"Type": "Pass", "End": true}}}]}}});
    let sm = create(&s, "Par", &def);
    let r = start(&s, &sm, &json!({}));
    r.wait_blocking();
    assert_eq!(describe_arn(&s, r.execution_arn.as_str()).status, "FAILED");
    r.execution_arn.to_string()
}

#[test]
fn a_resume_tree_that_points_back_at_itself_is_read_in_linear_time() {
    let dir = temp_dir("tree-loop");
    let arn = failed_parallel(&dir);
    let log = log_of(&dir, "Par", arn.rsplit(':').next().unwrap());
    let mut all = entries(&log);
    let Some(Entry::Ended(end)) = all.iter_mut().rev().find(|e| matches!(e, Entry::Ended(_)))
    else {
        panic!("an end");
    };
    let tree = end.resume.as_mut().unwrap();
    // Every child of the root restarts at the root: 2^1000 visits if followed.
    let n = tree.nodes[0].children.as_ref().unwrap().len();
    tree.nodes[0].children = Some(vec![
        sfn_runtime::store::format::ChildNode::Restart(Some(0));
        n
    ]);
    rewrite(&log, &all);
    let s = flaky_service(&dir, false);
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: arn.clone(),
        client_token: None,
    })
    .unwrap();
    assert_eq!(wait_end(&s, &arn).status, "SUCCEEDED");
}

#[test]
fn a_state_that_does_not_exist_fails_the_execution_instead_of_an_arbiter() {
    let dir = temp_dir("no-state");
    let arn = failed_parallel(&dir);
    let log = log_of(&dir, "Par", arn.rsplit(':').next().unwrap());
    let mut all = entries(&log);
    for e in all.iter_mut() {
        if let Entry::Ended(end) = e {
            end.resume.as_mut().unwrap().nodes[0].state = 999;
        }
    }
    rewrite(&log, &all);
    let s = flaky_service(&dir, false);
    s.redrive_execution(RedriveExecutionInput {
        execution_arn: arn.clone(),
        client_token: None,
    })
    .unwrap();
    let d = wait_end(&s, &arn);
    assert_eq!(d.status, "FAILED");
    assert_eq!(d.error.as_deref(), Some("States.Runtime"));
    // The runtime still runs executions.
    let sm = create(
        &s,
        "Other",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    );
    let r = start(&s, &sm, &json!({}));
    r.wait_blocking();
    assert_eq!(
        describe_arn(&s, r.execution_arn.as_str()).status,
        "SUCCEEDED"
    );
}

#[test]
fn a_damaged_record_length_is_corruption_not_a_torn_tail() {
    let dir = temp_dir("length");
    let arn = failed_parallel(&dir);
    let log = log_of(&dir, "Par", arn.rsplit(':').next().unwrap());
    let mut bytes = std::fs::read(&log).unwrap();
    // The first record's length, one high bit flipped: it now runs past the end.
    bytes[HEADER_LEN + 3] ^= 0x40;
    std::fs::write(&log, &bytes).unwrap();
    let s = builder().data_dir(&dir).read_only().build().unwrap();
    let errors = s.store_errors().join("\n");
    assert!(errors.contains("damaged"), "{errors}");
    // Not taken for a running execution whose records a resume would cut away.
    assert!(s
        .describe_execution(ExecutionArnInput {
            execution_arn: arn.clone()
        })
        .is_err());
    drop(s);
    drop(flaky_service(&dir, false));
    assert_eq!(std::fs::read(&log).unwrap(), bytes, "nothing was cut");
}

#[test]
fn an_execution_killed_before_its_log_was_written_runs_from_its_start() {
    for log in ["missing", "empty", "half a header"] {
        let dir = temp_dir(&format!("ghost-{}", log.replace(' ', "-")));
        let arn = failed_parallel(&dir);
        let path = log_of(&dir, "Par", arn.rsplit(':').next().unwrap());
        match log {
            "missing" => std::fs::remove_file(&path).unwrap(),
            "empty" => std::fs::write(&path, b"").unwrap(),
            _ => std::fs::write(&path, &header()[..5]).unwrap(),
        }
        let s = builder()
            .data_dir(&dir)
            .resume_running(false)
            .handler(FLAKY, |_r: TaskRequest| async { Ok(json!("done")) })
            .build()
            .unwrap();
        assert_eq!(describe_arn(&s, &arn).status, "RUNNING", "{log}");
        // Its name is taken, and says how to go on.
        let e = s
            .start_execution(StartExecutionInput {
                state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Par".into(),
                name: Some(arn.rsplit(':').next().unwrap().into()),
                input: Some("{}".into()),
                trace_header: None,
            })
            .unwrap_err();
        assert_eq!(e.name(), "ExecutionAlreadyExists", "{log}");
        assert!(e.message().contains("resume"), "{log}");
        s.resume_execution(&arn).unwrap();
        assert_eq!(wait_end(&s, &arn).status, "SUCCEEDED", "{log}");
        let types = history_types(&s, &arn);
        assert_eq!(types[0], "ExecutionStarted", "{log}: {types:?}");
        assert_eq!(types.iter().filter(|t| *t == "ExecutionStarted").count(), 1);
        drop(s);
        let s = builder().data_dir(&dir).read_only().build().unwrap();
        assert_eq!(describe_arn(&s, &arn).status, "SUCCEEDED", "{log}");
    }
}

#[test]
fn a_map_run_file_that_claims_a_trillion_children_is_counted_again() {
    let dir = temp_dir("map-run-count");
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FLAKY, "End": true}}},
        "End": true}}});
    let arn = {
        let s = builder()
            .data_dir(&dir)
            .handler(FLAKY, |_r: TaskRequest| std::future::pending())
            .build()
            .unwrap();
        let sm = create(&s, "Dm", &def);
        let r = start(&s, &sm, &json!([1, 2, 3]));
        eventually("the Map Run is kept", || {
            std::fs::read_dir(dir.join("map-runs"))
                .is_ok_and(|d| d.count() > 0)
                .then_some(())
        });
        r.execution_arn.clone()
    };
    let run_file = std::fs::read_dir(dir.join("map-runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "rkyv"))
        .unwrap();
    let bytes = std::fs::read(&run_file).unwrap();
    let FrameRead::Frame(payload, _) = read_frame(&bytes, HEADER_LEN) else {
        panic!("a run archive");
    };
    let mut aligned = AlignedVec::<16>::new();
    aligned.extend_from_slice(payload);
    let mut meta = rkyv::from_bytes::<MapRunMeta, rancor::Error>(&aligned).unwrap();
    meta.executions[6] = 1 << 40;
    meta.items[6] = 1 << 40;
    let mut out = header().to_vec();
    out.extend(frame(&rkyv::to_bytes::<rancor::Error>(&meta).unwrap()));
    std::fs::write(&run_file, out).unwrap();
    let s = flaky_service(&dir, false);
    let d = wait_end(&s, arn.as_str());
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    let types = history_types(&s, arn.as_str());
    assert_eq!(
        types.iter().filter(|t| *t == "MapStateStarted").count(),
        1,
        "{types:?}"
    );
}

/// Links inside the data directory lead none of its writes elsewhere.
#[test]
fn the_store_writes_through_no_link() {
    let base = temp_dir("links");
    let outside = base.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("victim"), "untouched").unwrap();
    // A linked folder of the store is refused when the directory is opened.
    let d1 = base.join("d1");
    std::fs::create_dir_all(&d1).unwrap();
    std::os::unix::fs::symlink(&outside, d1.join("state-machines")).unwrap();
    assert!(builder().data_dir(&d1).build().is_err());
    // A linked machine folder refuses the start.
    let d2 = base.join("d2");
    let s = builder().data_dir(&d2).build().unwrap();
    let sm = create(
        &s,
        "Sm",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    );
    std::fs::create_dir_all(d2.join("executions")).unwrap();
    std::os::unix::fs::symlink(&outside, d2.join("executions/Sm")).unwrap();
    let e = s
        .start(StartExecutionInput {
            state_machine_arn: sm,
            input: Some("{}".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.name(), "InternalFailure");
    // A hard link planted where the old build put its temporary file.
    std::fs::hard_link(outside.join("victim"), d2.join("state-machines/Other.tmp")).unwrap();
    create(
        &s,
        "Other",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    );
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        1,
        "nothing was written outside"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("victim")).unwrap(),
        "untouched"
    );
}
