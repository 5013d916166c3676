//! `sfn conformance DIR`: runs the recorded AWS cases on the real runtime and reports how
//! many pass, per feature and at each level (outcome, cause, history).

use crate::conformance::{judge, load_cases, run_cases, Case};
use std::collections::BTreeMap;
use std::path::Path;

/// Which level of passing the per-case lines report on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    Outcome,
    Cause,
    History,
}

/// How `sfn conformance` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Failures, per-feature counts and the closing line.
    Summary(Level),
    /// One JSON object per case per line.
    Json,
    /// The ids that pass at the outcome level, one per line (for the expected-passes list).
    Passing,
}

/// The `sfn conformance` command. Returns the process exit code (always 0 unless the
/// directory cannot be read).
pub fn command(dir: &Path, report: Report, filter: Option<&str>) -> i32 {
    let cases = match load_cases(dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sfn conformance: {e}");
            return 2;
        }
    };
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| filter.is_none_or(|f| c.id.contains(f)))
        .collect();
    let observed = match run_cases(&cases) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("sfn conformance: {e}");
            return 2;
        }
    };
    let level = match report {
        Report::Json => {
            for (c, o) in cases.iter().zip(&observed) {
                println!("{}", o.to_json(&c.id));
            }
            return 0;
        }
        Report::Passing => {
            for (c, o) in cases.iter().zip(&observed) {
                if judge(c, o).outcome.is_ok() {
                    println!("{}", c.id);
                }
            }
            return 0;
        }
        Report::Summary(level) => level,
    };
    let mut per_feature: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut passed, mut causes, mut histories) = (0, 0, 0);
    for (c, o) in cases.iter().zip(&observed) {
        let v = judge(c, o);
        let ok = v.outcome.is_ok();
        for f in &c.features {
            let e = per_feature.entry(f.as_str()).or_default();
            e.0 += ok as usize;
            e.1 += 1;
        }
        match v.outcome {
            Ok(()) => {
                passed += 1;
                causes += v.cause as usize;
                histories += v.history as usize;
                if level == Level::Cause && !v.cause {
                    println!("FAIL {} (cause): got {:?}", c.id, o.cause);
                }
                if level == Level::History && !v.history {
                    println!("FAIL {} (history): got {:?}", c.id, o.history_types);
                }
            }
            Err(d) => println!("FAIL {}: {d}", c.id),
        }
    }
    println!();
    for (f, (p, n)) in &per_feature {
        println!("{f:>20}: {p}/{n}");
    }
    println!("cause level: {causes} passed; history level: {histories} passed");
    println!(
        "conformance: {passed} passed, {} failed",
        cases.len() - passed
    );
    0
}
