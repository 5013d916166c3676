//! Execution counts and times per state machine under AWS's CloudWatch metric names
//! (ExecutionsStarted, ExecutionsSucceeded, ExecutionTime, ...), in Prometheus' text
//! format: what `sfn serve` answers on `GET /metrics`.

use crate::runtime::Observer;
use dashmap::DashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The upper bounds (ms) of the ExecutionTime histogram's buckets.
const BUCKETS_MS: [f64; 12] = [
    1.0,
    5.0,
    10.0,
    50.0,
    100.0,
    500.0,
    1000.0,
    5000.0,
    10_000.0,
    60_000.0,
    300_000.0,
    3_600_000.0,
];

/// The counters, in the order they are printed: name, what counts, and help text.
const COUNTERS: [(&str, &str); 6] = [
    ("ExecutionsStarted", "Executions started."),
    ("ExecutionsSucceeded", "Executions that succeeded."),
    ("ExecutionsFailed", "Executions that failed."),
    ("ExecutionsAborted", "Executions aborted (StopExecution)."),
    ("ExecutionsTimedOut", "Executions that timed out."),
    ("ExecutionsRedriven", "Executions redriven."),
];

#[derive(Default)]
struct Machine {
    counters: [AtomicU64; 6],
    buckets: [AtomicU64; BUCKETS_MS.len()],
    time_count: AtomicU64,
    time_sum_us: AtomicU64,
}

/// The counters of every state machine that ran an execution.
#[derive(Default)]
pub struct ExecutionMetrics {
    machines: DashMap<String, Machine>,
}

impl ExecutionMetrics {
    /// No executions counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn count(&self, machine: &str, counter: usize) {
        if let Some(m) = self.machines.get(machine) {
            m.counters[counter].fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.machines
            .entry(machine.to_string())
            .or_default()
            .counters[counter]
            .fetch_add(1, Ordering::Relaxed);
    }

    /// The metrics in Prometheus' text exposition format, a series per state machine.
    pub fn prometheus(&self) -> String {
        let mut machines: Vec<_> = self.machines.iter().collect();
        machines.sort_by(|a, b| a.key().cmp(b.key()));
        let mut out = String::new();
        for (i, (name, help)) in COUNTERS.iter().enumerate() {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for m in &machines {
                let v = m.counters[i].load(Ordering::Relaxed);
                let _ = writeln!(out, "{name}{{{}}} {v}", label(m.key()));
            }
        }
        out.push_str(
            "# HELP ExecutionTime The time from an execution's start to its end, in milliseconds.\n\
             # TYPE ExecutionTime histogram\n",
        );
        for m in &machines {
            let l = label(m.key());
            let mut cumulative = 0;
            for (bound, n) in BUCKETS_MS.iter().zip(&m.buckets) {
                cumulative += n.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "ExecutionTime_bucket{{{l},le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = m.time_count.load(Ordering::Relaxed);
            let sum_ms = m.time_sum_us.load(Ordering::Relaxed) as f64 / 1000.0;
            let _ = writeln!(out, "ExecutionTime_bucket{{{l},le=\"+Inf\"}} {count}");
            let _ = writeln!(out, "ExecutionTime_sum{{{l}}} {sum_ms}");
            let _ = writeln!(out, "ExecutionTime_count{{{l}}} {count}");
        }
        out
    }
}

/// The label naming a state machine, its ARN escaped as Prometheus requires.
fn label(arn: &str) -> String {
    let escaped = arn
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("StateMachineArn=\"{escaped}\"")
}

impl Observer for ExecutionMetrics {
    fn state_entered(&self) {}
    fn state_exited(&self, _took: Duration) {}
    fn task_answered(&self, _took: Duration) {}
    fn item_done(&self, _took: Duration) {}

    fn times_states(&self) -> bool {
        false
    }

    fn execution_started(&self, state_machine: &str, redrive: bool) {
        self.count(state_machine, if redrive { 5 } else { 0 });
    }

    fn execution_ended(&self, state_machine: &str, status: &str, took: Duration) {
        let counter = match status {
            "SUCCEEDED" => 1,
            "ABORTED" => 3,
            "TIMED_OUT" => 4,
            _ => 2,
        };
        self.count(state_machine, counter);
        let Some(m) = self.machines.get(state_machine) else {
            return;
        };
        let ms = took.as_secs_f64() * 1000.0;
        if let Some(b) = BUCKETS_MS.iter().position(|bound| ms <= *bound) {
            m.buckets[b].fetch_add(1, Ordering::Relaxed);
        }
        m.time_count.fetch_add(1, Ordering::Relaxed);
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        m.time_sum_us.fetch_add(us, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_times_come_out_per_state_machine() {
        let m = ExecutionMetrics::new();
        let a = "arn:aws:states:us-east-1:123456789012:stateMachine:A";
        m.execution_started(a, false);
        m.execution_started(a, false);
        m.execution_ended(a, "SUCCEEDED", Duration::from_millis(3));
        m.execution_ended(a, "FAILED", Duration::from_millis(70));
        m.execution_started(a, true);
        let text = m.prometheus();
        let l = format!("StateMachineArn=\"{a}\"");
        for line in [
            format!("ExecutionsStarted{{{l}}} 2"),
            format!("ExecutionsSucceeded{{{l}}} 1"),
            format!("ExecutionsFailed{{{l}}} 1"),
            format!("ExecutionsRedriven{{{l}}} 1"),
            format!("ExecutionTime_bucket{{{l},le=\"5\"}} 1"),
            format!("ExecutionTime_bucket{{{l},le=\"100\"}} 2"),
            format!("ExecutionTime_count{{{l}}} 2"),
            format!("ExecutionTime_sum{{{l}}} 73"),
            "# TYPE ExecutionTime histogram".to_string(),
        ] {
            assert!(text.lines().any(|x| x == line), "{line} in\n{text}");
        }
    }
}
