//! Guards the conformance pass list: every id in `conformance_expected_passes.txt` must
//! still pass at the outcome level, so the count only goes up.

use sfn_runtime::conformance::{judge, load_cases, run_cases};
use std::path::PathBuf;

fn cases_dir() -> PathBuf {
    match std::env::var_os("SFN_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/cases"),
    }
}

#[test]
fn expected_passes_still_pass() {
    let dir = cases_dir();
    assert!(
        dir.is_dir(),
        "conformance cases not found at {} (set SFN_CONFORMANCE_DIR)",
        dir.display()
    );
    let expected: Vec<String> = include_str!("conformance_expected_passes.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect();
    let cases = load_cases(&dir).expect("cases load");
    let observed = run_cases(&cases).expect("runtime starts");
    let mut regressions = Vec::new();
    let mut passing = 0;
    for (c, o) in cases.iter().zip(&observed) {
        match judge(c, o).outcome {
            Ok(()) => passing += 1,
            Err(d) if expected.contains(&c.id) => regressions.push(format!("{}: {d}", c.id)),
            Err(_) => {}
        }
    }
    for id in &expected {
        assert!(
            cases.iter().any(|c| &c.id == id),
            "expected-pass id {id} is not a case any more"
        );
    }
    assert!(
        regressions.is_empty(),
        "{} expected passes now fail:\n{}",
        regressions.len(),
        regressions.join("\n")
    );
    assert!(passing >= expected.len());
}
