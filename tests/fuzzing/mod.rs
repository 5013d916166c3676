//! A mutation fuzzer on the stable toolchain, for the parsers and readers that take what a
//! user or a file gives them: definitions and their validation, JSONPath, intrinsic calls,
//! payload templates, mock configs, and the store's reader of logs and metas.
//!
//! Seeds are real: the recorded conformance definitions, the paths, calls and templates in
//! them, the bundled examples, and logs written by real executions. Each input is a seed
//! mutated a few times, byte by byte (flips, tokens of the language spliced in, cuts,
//! copies) or, for JSON, node by node. A panic is a finding: the target caught it, and the
//! runner keeps the input. A stack overflow ends the process, which the runner reports.
//!
//! Used by `tests/fuzz.rs` (a bounded run with a fixed seed, in CI) and by
//! `examples/fuzz.rs` (a run for a given time).
#![allow(dead_code)]

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sfn_runtime::asl;
use sfn_runtime::data::{ContextObject, ExecutionInfo, Scope};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the targets are fed from.
pub struct Corpus {
    pub definitions: Vec<String>,
    pub paths: Vec<String>,
    pub calls: Vec<String>,
    pub templates: Vec<String>,
    pub mock_configs: Vec<String>,
    /// A data directory with real executions, and the logs and metas in it.
    pub store_dir: PathBuf,
    pub store_files: Vec<(PathBuf, Vec<u8>)>,
}

/// Strings of the languages, spliced into inputs.
const TOKENS: &[&str] = &[
    "$",
    "$$",
    "$.",
    "..",
    "[*]",
    "[?(",
    ")]",
    "@.",
    "&&",
    "||",
    "!",
    "[0]",
    "[-1]",
    "[1::9223372036854775807]",
    "[:-9223372036854775808:-1]",
    "9223372036854775807",
    "-9223372036854775808",
    "1e309",
    "-0",
    "States.Array(",
    "States.ArrayRange(",
    "States.Format(",
    "States.StringToJson(",
    "States.Hash(",
    "States.MathAdd(",
    ")",
    "(",
    "'",
    "\\'",
    "\"",
    "\\",
    "{}",
    "[]",
    ",",
    ":",
    ".$",
    "\"Type\"",
    "\"Next\"",
    "\"End\"",
    "\"Map\"",
    "\"Parallel\"",
    "\"Choice\"",
    "\"Retry\"",
    "\"Catch\"",
    "\"ItemProcessor\"",
    "\"ResultPath\"",
    "\"Parameters\"",
    "{%",
    "%}",
    "\u{0}",
    "\u{10FFFF}",
    "null",
];

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every string in `v`, and every object that holds a `.$` key (a template).
fn harvest(v: &Value, c: &mut Corpus) {
    match v {
        Value::String(s) if s.starts_with('$') => c.paths.push(s.clone()),
        Value::String(s) if s.starts_with("States.") => c.calls.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| harvest(x, c)),
        Value::Object(m) => {
            if m.keys().any(|k| k.ends_with(".$")) {
                c.templates.push(v.to_string());
            }
            m.values().for_each(|x| harvest(x, c));
        }
        _ => {}
    }
}

impl Corpus {
    /// Reads the conformance cases (`SFN_CONFORMANCE_DIR`, else `../shared/conformance/
    /// cases`) and the examples, and runs executions into a fresh data directory under
    /// `work` for the store's seeds.
    pub fn load(work: &Path) -> Corpus {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cases = std::env::var_os("SFN_CONFORMANCE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("../shared/conformance/cases"));
        let mut c = Corpus {
            definitions: Vec::new(),
            paths: vec!["$.a[0].b".into(), "$..a".into(), "$[?(@.a > 1)]".into()],
            calls: vec!["States.Format('{}', $.a)".into()],
            templates: vec![json!({"a.$": "$.a", "b": [1, {"c.$": "$$.Execution.Id"}]}).to_string()],
            mock_configs: Vec::new(),
            store_dir: work.join("store"),
            store_files: Vec::new(),
        };
        let mut files = Vec::new();
        files_under(&cases, &mut files);
        files_under(&root.join("examples"), &mut files);
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            if let Some(def) = v.get("definition") {
                c.definitions.push(def.to_string());
                harvest(def, &mut c);
                if let Some(mocks) = v.get("mocks") {
                    c.mock_configs.push(
                        json!({"StateMachines": {"S": {"TestCases": {"T":
                            mocks.as_object().map(|m| m.keys().map(|k| (k.clone(), json!(k))).collect::<serde_json::Map<_, _>>()).unwrap_or_default()}}},
                            "MockedResponses": mocks})
                        .to_string(),
                    );
                }
            } else if v.get("StartAt").is_some() {
                c.definitions.push(text.clone());
                harvest(&v, &mut c);
            } else if v.get("MockedResponses").is_some() {
                c.mock_configs.push(text.clone());
            }
        }
        c.write_store(work);
        c
    }

    /// Executions of the order example (one failed, one succeeded) and a Distributed Map,
    /// kept in a data directory whose files seed the store's reader.
    fn write_store(&mut self, _work: &Path) {
        use sfn_runtime::api::types::*;
        use sfn_runtime::api::StepFunctions;
        let _ = std::fs::remove_dir_all(&self.store_dir);
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/order");
        let mocks = std::fs::read_to_string(root.join("mocks.json")).unwrap();
        let sfn = StepFunctions::builder()
            .virtual_clock()
            .data_dir(&self.store_dir)
            .mock_config(sfn_runtime::runtime::mock::MockConfig::parse(&mocks).unwrap())
            .build()
            .unwrap();
        let def = std::fs::read_to_string(root.join("order.asl.json")).unwrap();
        let input = std::fs::read_to_string(root.join("input.json")).unwrap();
        let sm = sfn
            .create_state_machine(CreateStateMachineInput {
                name: "order".into(),
                definition: def,
                role_arn: "arn:aws:iam::123456789012:role/r".into(),
                r#type: None,
                ..Default::default()
            })
            .unwrap()
            .state_machine_arn;
        for case in ["HappyPath", "Declined"] {
            sfn.start(StartExecutionInput {
                state_machine_arn: format!("{sm}#{case}"),
                input: Some(input.clone()),
                ..Default::default()
            })
            .unwrap()
            .wait_blocking();
        }
        let dm = sfn
            .create_state_machine(CreateStateMachineInput {
                name: "dm".into(),
                definition: json!({"StartAt": "M", "States": {"M": {"Type": "Map",
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                    "End": true}}})
                .to_string(),
                role_arn: "arn:aws:iam::123456789012:role/r".into(),
                r#type: None,
                ..Default::default()
            })
            .unwrap()
            .state_machine_arn;
        sfn.start(StartExecutionInput {
            state_machine_arn: dm,
            input: Some("[1, 2, 3]".into()),
            ..Default::default()
        })
        .unwrap()
        .wait_blocking();
        drop(sfn);
        let mut files = Vec::new();
        files_under(&self.store_dir, &mut files);
        files.sort();
        for f in files {
            if f.extension().is_some_and(|e| e == "rkyv") {
                let bytes = std::fs::read(&f).unwrap();
                self.store_files.push((f, bytes));
            }
        }
    }
}

/// Makes inputs from seeds.
pub struct Mutator {
    pub rng: SmallRng,
}

impl Mutator {
    pub fn new(seed: u64) -> Mutator {
        Mutator {
            rng: SmallRng::seed_from_u64(seed),
        }
    }

    /// One to four byte-level changes of `seed`.
    pub fn bytes(&mut self, seed: &[u8]) -> Vec<u8> {
        let mut b = seed.to_vec();
        for _ in 0..self.rng.gen_range(1..=4) {
            let len = b.len();
            match self.rng.gen_range(0..7) {
                0 if len > 0 => {
                    let i = self.rng.gen_range(0..len);
                    b[i] ^= 1 << self.rng.gen_range(0..8);
                }
                1 if len > 0 => {
                    let i = self.rng.gen_range(0..len);
                    b[i] = self.rng.gen();
                }
                2 => {
                    let t = TOKENS[self.rng.gen_range(0..TOKENS.len())].as_bytes();
                    let i = self.rng.gen_range(0..=len);
                    b.splice(i..i, t.iter().copied());
                }
                3 if len > 0 => {
                    let i = self.rng.gen_range(0..len);
                    let j = (i + self.rng.gen_range(1..=16)).min(len);
                    b.drain(i..j);
                }
                4 if len > 0 => {
                    let i = self.rng.gen_range(0..len);
                    let j = (i + self.rng.gen_range(1..=64)).min(len);
                    let chunk = b[i..j].to_vec();
                    let at = self.rng.gen_range(0..=b.len());
                    for _ in 0..self.rng.gen_range(1..=8) {
                        b.splice(at..at, chunk.iter().copied());
                    }
                }
                5 if len > 0 => {
                    b.truncate(self.rng.gen_range(0..len));
                }
                _ => {
                    let t = TOKENS[self.rng.gen_range(0..TOKENS.len())];
                    let n = self.rng.gen_range(1..=200);
                    let at = self.rng.gen_range(0..=len);
                    b.splice(at..at, t.repeat(n).into_bytes());
                }
            }
        }
        b
    }

    /// One to four node-level changes of a JSON document: a node replaced by a scalar, a
    /// token, or another node of the same document; a member removed or copied.
    pub fn json(&mut self, seed: &Value) -> Value {
        let mut v = seed.clone();
        for _ in 0..self.rng.gen_range(1..=4) {
            let mut nodes = Vec::new();
            collect_pointers(&v, String::new(), &mut nodes);
            if nodes.is_empty() {
                break;
            }
            let target = nodes[self.rng.gen_range(0..nodes.len())].clone();
            let donor = nodes[self.rng.gen_range(0..nodes.len())].clone();
            let replacement = match self.rng.gen_range(0..6) {
                0 => v.pointer(&donor).cloned().unwrap_or(Value::Null),
                1 => json!(TOKENS[self.rng.gen_range(0..TOKENS.len())]),
                2 => json!(self.rng.gen::<i64>()),
                3 => json!(self.rng.gen::<f64>() * 1e300),
                4 => Value::Null,
                _ => json!([]),
            };
            if let Some(slot) = v.pointer_mut(&target) {
                *slot = replacement;
            }
        }
        v
    }
}

fn collect_pointers(v: &Value, at: String, out: &mut Vec<String>) {
    if out.len() > 4096 {
        return;
    }
    out.push(at.clone());
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_pointers(x, format!("{at}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let key = k.replace('~', "~0").replace('/', "~1");
                collect_pointers(x, format!("{at}/{key}"), out);
            }
        }
        _ => {}
    }
}

/// Documents paths, calls and templates are evaluated against.
fn documents() -> Vec<Value> {
    let mut deep = json!(1);
    for _ in 0..60 {
        deep = json!({"a": deep, "b": [deep.clone()]});
        if deep.to_string().len() > 20_000 {
            break;
        }
    }
    vec![
        json!({"a": [1, 2, {"b": "x"}], "c": {"d": null}, "e": "text", "n": 3.5}),
        json!([[1, 2], [3, [4, 5]], {"a": 1}]),
        deep,
        json!("a string"),
    ]
}

fn execution() -> ExecutionInfo {
    ExecutionInfo {
        id: "arn:aws:states:us-east-1:123456789012:execution:F:f".into(),
        name: "f".into(),
        input: Arc::new(json!({"in": 1})),
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        start_time: "2026-01-01T00:00:00.000Z".parse().unwrap(),
        redrive_count: 0,
        state_machine_id: "arn:aws:states:us-east-1:123456789012:stateMachine:F".into(),
        state_machine_name: "F".into(),
    }
}

/// The targets, by name.
pub const TARGETS: &[&str] = &[
    "definition-bytes",
    "definition-json",
    "jsonpath",
    "intrinsics",
    "templates",
    "mock-config",
    "store-reader",
];

/// Makes one input of `target`, shows it to `before` and runs it. Returns `Err` with the
/// panic's message and the input if the target panicked.
pub fn run_one(
    target: &str,
    c: &Corpus,
    m: &mut Mutator,
    before: &mut dyn FnMut(&[u8]),
) -> Result<(), (String, Vec<u8>)> {
    let pick = |list: &Vec<String>, m: &mut Mutator| -> Vec<u8> {
        if list.is_empty() {
            return Vec::new();
        }
        list[m.rng.gen_range(0..list.len())].as_bytes().to_vec()
    };
    let input: Vec<u8> = match target {
        "definition-bytes" => {
            let seed = pick(&c.definitions, m);
            m.bytes(&seed)
        }
        "definition-json" => {
            let seed = pick(&c.definitions, m);
            let v: Value = serde_json::from_slice(&seed).unwrap_or(Value::Null);
            m.json(&v).to_string().into_bytes()
        }
        "jsonpath" => {
            let seed = pick(&c.paths, m);
            m.bytes(&seed)
        }
        "intrinsics" => {
            let seed = pick(&c.calls, m);
            m.bytes(&seed)
        }
        "templates" => {
            let seed = pick(&c.templates, m);
            if m.rng.gen_bool(0.5) {
                m.bytes(&seed)
            } else {
                let v: Value = serde_json::from_slice(&seed).unwrap_or(Value::Null);
                m.json(&v).to_string().into_bytes()
            }
        }
        "mock-config" => {
            let seed = pick(&c.mock_configs, m);
            if m.rng.gen_bool(0.5) {
                m.bytes(&seed)
            } else {
                let v: Value = serde_json::from_slice(&seed).unwrap_or(Value::Null);
                m.json(&v).to_string().into_bytes()
            }
        }
        "store-reader" => {
            let (_, seed) = &c.store_files[m.rng.gen_range(0..c.store_files.len())];
            if m.rng.gen_bool(0.3) {
                let mut b = seed.clone();
                b.truncate(m.rng.gen_range(0..=b.len()));
                b
            } else {
                m.bytes(seed)
            }
        }
        other => panic!("no fuzz target '{other}'"),
    };
    let which = m.rng.gen_range(0..c.store_files.len().max(1));
    before(&input);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        exercise(target, &input, c, which)
    }));
    result.map_err(|p| {
        let text = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        (text, input)
    })
}

/// Runs `input` through `target`. Errors are fine; only a panic (or worse) is a finding.
pub fn exercise(target: &str, input: &[u8], c: &Corpus, store_file: usize) {
    let text = String::from_utf8_lossy(input);
    let info = execution();
    let context = ContextObject::new(&info, "S", chrono::DateTime::UNIX_EPOCH);
    let mut rng = SmallRng::seed_from_u64(1);
    match target {
        "definition-bytes" | "definition-json" => {
            let _ = asl::validate(&text);
            let _ = asl::parse_definition(&text);
        }
        "jsonpath" => {
            if let Ok(p) = asl::path::Path::parse(&text) {
                for doc in documents() {
                    let _ = sfn_runtime::data::jsonpath::select(&p, &doc).map(|s| s.to_value());
                }
            }
        }
        "intrinsics" => {
            if let Ok(call) = asl::intrinsic::Call::parse(&text) {
                for doc in documents() {
                    let mut scope = Scope::new(&doc, &context, &mut rng);
                    let _ = sfn_runtime::data::intrinsics::eval(&call, &mut scope, "f.$");
                }
            }
        }
        "templates" => {
            if let Ok(v) = serde_json::from_str::<Value>(&text) {
                if let Ok(t) = asl::template::Template::compile(&v) {
                    for doc in documents() {
                        let mut scope = Scope::new(&doc, &context, &mut rng);
                        let _ = sfn_runtime::data::payload::eval_template(&t, &mut scope);
                    }
                }
            }
        }
        "mock-config" => {
            let _ = sfn_runtime::runtime::mock::MockConfig::parse(&text);
        }
        "store-reader" => {
            // The store as it was, with one of its files replaced by the input.
            let dir = c
                .store_dir
                .with_extension(format!("fuzz-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            copy_dir(&c.store_dir, &dir);
            let (path, _) = &c.store_files[store_file];
            let rel = path.strip_prefix(&c.store_dir).expect("under the store");
            std::fs::write(dir.join(rel), input).expect("write the input");
            let loaded = sfn_runtime::store::DiskStore::open_read_only(&dir).load();
            for ex in &loaded.executions {
                let _ = sfn_runtime::store::entries_to_state(&ex.entries);
            }
            // And a service reading it, as `sfn list` does.
            let _ = sfn_runtime::api::StepFunctions::builder()
                .virtual_clock()
                .workers(1)
                .data_dir(&dir)
                .read_only()
                .build();
        }
        other => panic!("no fuzz target '{other}'"),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}
