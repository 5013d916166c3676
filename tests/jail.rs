//! The objects directory is a jail: a link planted below its root (a bucket, a folder, the
//! name of a file being written) leads no read, write or listing outside it.

mod common;

use common::*;
use serde_json::{json, Value};
use sfn_runtime::objects::{DirStore, ObjectStore};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// A root `O` and, beside it, a folder `elsewhere` holding a file no run may touch.
struct Setup {
    /// Holds `root` and `elsewhere`; removed with the setup.
    _base: TempDir,
    root: PathBuf,
    elsewhere: PathBuf,
}

impl Setup {
    fn new(name: &str) -> Setup {
        let base = temp_dir(&format!("jail-{name}"));
        let root = base.join("O");
        let elsewhere = base.join("elsewhere");
        std::fs::create_dir_all(root.join("bkt")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("items.json"), "[1, 2, 3]").unwrap();
        std::fs::write(elsewhere.join("victim"), "untouched").unwrap();
        Setup {
            _base: base,
            root,
            elsewhere,
        }
    }

    /// Every file outside the root, with its contents.
    fn outside(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        fn walk(d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for e in std::fs::read_dir(d).unwrap() {
                let e = e.unwrap();
                let t = e.file_type().unwrap();
                if t.is_dir() {
                    walk(&e.path(), out);
                } else if t.is_file() {
                    out.insert(e.path(), std::fs::read(e.path()).unwrap());
                }
            }
        }
        walk(&self.elsewhere, &mut out);
        out
    }
}

fn distributed(extra: Value) -> Value {
    let mut m = json!({"Type": "Map",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true});
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    json!({"StartAt": "M", "States": {"M": m}})
}

fn writer(bucket: &str, prefix: &str) -> Value {
    json!({"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": bucket, "Prefix": prefix}}})
}

fn run_in(
    root: &Path,
    def: &Value,
    input: Value,
) -> sfn_runtime::api::types::DescribeExecutionOutput {
    let s = builder().objects_dir(root).build().unwrap();
    let arn = create(&s, "J", def);
    run(&s, &arn, &input).0
}

#[test]
fn a_result_writer_does_not_write_through_a_linked_folder_or_bucket() {
    for (bucket, prefix) in [("bkt", "link"), ("bkt", "link/deeper"), ("evil", "out")] {
        let s = Setup::new(&format!("writer-{bucket}-{}", prefix.replace('/', "-")));
        symlink(&s.elsewhere, s.root.join("bkt/link")).unwrap();
        symlink(&s.elsewhere, s.root.join("evil")).unwrap();
        let before = s.outside();
        let d = run_in(&s.root, &distributed(writer(bucket, prefix)), json!([1, 2]));
        assert_eq!(d.status, "FAILED", "{bucket}/{prefix}");
        assert_eq!(
            d.error.as_deref(),
            Some("States.ResultWriterFailed"),
            "{bucket}/{prefix}: {:?}",
            d.cause
        );
        assert_eq!(
            s.outside(),
            before,
            "{bucket}/{prefix}: outside the root changed"
        );
        assert!(!s.elsewhere.join("deeper").exists());
    }
}

#[test]
fn an_item_reader_does_not_read_or_list_through_a_linked_bucket_or_folder() {
    let s = Setup::new("reader");
    symlink(&s.elsewhere, s.root.join("evil")).unwrap();
    symlink(&s.elsewhere, s.root.join("bkt/link")).unwrap();
    symlink(
        s.elsewhere.join("items.json"),
        s.root.join("bkt/items.json"),
    )
    .unwrap();
    let get = |bucket: &str, key: &str| {
        json!({"ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket": bucket, "Key": key}}})
    };
    let list = |bucket: &str, prefix: &str| {
        json!({"ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
            "Parameters": {"Bucket": bucket, "Prefix": prefix}}})
    };
    for (what, extra) in [
        ("a linked bucket", get("evil", "items.json")),
        ("a linked folder", get("bkt", "link/items.json")),
        ("a linked file", get("bkt", "items.json")),
        ("listing a linked bucket", list("evil", "")),
    ] {
        let d = run_in(&s.root, &distributed(extra), json!({}));
        assert_eq!(d.status, "FAILED", "{what}: {:?}", d.output);
        assert_eq!(
            d.error.as_deref(),
            Some("States.ItemReaderFailed"),
            "{what}: {:?}",
            d.cause
        );
    }
    // Listing a real bucket does not descend through a link inside it.
    std::fs::write(s.root.join("bkt/real.json"), "[]").unwrap();
    let d = run_in(&s.root, &distributed(list("bkt", "")), json!({}));
    assert_eq!(d.status, "SUCCEEDED", "{:?}", d.cause);
    let keys: Vec<String> = serde_json::from_str::<Value>(d.output.as_deref().unwrap())
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["Key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["real.json"]);
}

/// A link planted where a file is being written, or at the object's own name, is never
/// written through: the old build wrote `<key>.sfn-writing` with `File::create`.
#[test]
fn planted_links_at_the_names_of_files_being_written_are_not_followed() {
    let s = Setup::new("planted");
    let store = DirStore::open(&s.root).unwrap();
    std::fs::create_dir_all(s.root.join("bkt/r")).unwrap();
    for name in ["a.json.sfn-writing", "b.json.sfn-writing", "c.json"] {
        symlink(s.elsewhere.join("victim"), s.root.join("bkt/r").join(name)).unwrap();
    }
    let before = s.outside();
    store.put("bkt", "r/a.json", b"[1]").unwrap();
    let mut upload = store.create("bkt", "r/b.json").unwrap();
    upload.write_all(b"[2]").unwrap();
    upload.commit().unwrap();
    // The object's own name held a link: the link is replaced, not followed.
    store.put("bkt", "r/c.json", b"[3]").unwrap();
    assert_eq!(s.outside(), before);
    for (key, text) in [
        ("r/a.json", "[1]"),
        ("r/b.json", "[2]"),
        ("r/c.json", "[3]"),
    ] {
        let mut got = String::new();
        store
            .get("bkt", key)
            .unwrap()
            .read_to_string(&mut got)
            .unwrap();
        assert_eq!(got, text, "{key}");
        assert!(std::fs::symlink_metadata(s.root.join("bkt").join(key))
            .unwrap()
            .is_file());
    }
    // Unfinished files of a dead process are discarded; links are left as they are.
    let tmp = s.root.join("bkt/r/.0123.sfn-writing");
    std::fs::write(&tmp, "half").unwrap();
    assert_eq!(store.discard_unfinished("bkt", "r").unwrap(), 1);
    assert!(!tmp.exists());
    assert_eq!(s.outside(), before);
}
