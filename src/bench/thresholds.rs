//! Pass/fail criteria on a run's figures, as k6 writes them (`execution.p99<50ms`,
//! `failed<0.1%`, `throughput>=1000`): a CI job gates on the exit code they set.

use super::report::{PhaseReport, Verdict};

/// The exit code of a run whose thresholds did not all hold (k6's).
pub const THRESHOLDS_FAILED: i32 = 99;

/// One criterion, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    text: String,
    metric: Metric,
    op: Op,
    limit: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Metric {
    /// A latency statistic of a kind, in µs.
    Latency(&'static str, Stat),
    /// The fraction of ended executions that failed (a limit in %), or their number.
    Failed { fraction: bool },
    /// Executions ended per second.
    Throughput,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stat {
    P50,
    P90,
    P99,
    P999,
    Max,
    Mean,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

const KINDS: [&str; 5] = ["execution", "transition", "task", "map_item", "request"];

impl std::str::FromStr for Threshold {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("--threshold '{text}': {why}");
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let at = compact
            .find(['<', '>'])
            .ok_or_else(|| bad("needs <, <=, > or >= (e.g. execution.p99<50ms)"))?;
        let (name, rest) = compact.split_at(at);
        let (op, value) = match rest.as_bytes() {
            [b'<', b'=', ..] => (Op::Le, &rest[2..]),
            [b'>', b'=', ..] => (Op::Ge, &rest[2..]),
            [b'<', ..] => (Op::Lt, &rest[1..]),
            _ => (Op::Gt, &rest[1..]),
        };
        let (metric, limit) = match name {
            "failed" => match value.strip_suffix('%') {
                Some(p) => (
                    Metric::Failed { fraction: true },
                    number(p).ok_or_else(|| bad("the limit is not a percentage"))?,
                ),
                None => (
                    Metric::Failed { fraction: false },
                    number(value).ok_or_else(|| bad("the limit is not a number of executions"))?,
                ),
            },
            "throughput" => (
                Metric::Throughput,
                number(value.strip_suffix("/s").unwrap_or(value))
                    .ok_or_else(|| bad("the limit is not a number of executions per second"))?,
            ),
            _ => {
                let (kind, stat) = name.split_once('.').ok_or_else(|| {
                    bad("the metric is KIND.STAT (execution.p99), failed or throughput")
                })?;
                let kind = KINDS
                    .iter()
                    .find(|k| **k == kind)
                    .ok_or_else(|| bad(&format!("the kind must be one of {}", KINDS.join(", "))))?;
                let stat = match stat {
                    "p50" | "med" => Stat::P50,
                    "p90" => Stat::P90,
                    "p99" => Stat::P99,
                    "p99.9" => Stat::P999,
                    "max" => Stat::Max,
                    "avg" | "mean" => Stat::Mean,
                    _ => {
                        return Err(bad(
                            "the statistic must be p50, p90, p99, p99.9, max or avg",
                        ))
                    }
                };
                let limit = micros(value).ok_or_else(|| {
                    bad("the limit is a duration with its unit: 50ms, 250us, 1.5s")
                })?;
                (Metric::Latency(kind, stat), limit)
            }
        };
        Ok(Threshold {
            text: text.to_string(),
            metric,
            op,
            limit,
        })
    }
}

impl Threshold {
    /// Holds the threshold against a phase's figures.
    pub fn judge(&self, p: &PhaseReport) -> Verdict {
        let ended = p.executions.succeeded + p.executions.failed;
        // A figure nothing measured (no latency of that kind recorded, as over --endpoint
        // for transitions; no execution ended) fails its threshold rather than pass it.
        let measured = match self.metric {
            Metric::Latency(kind, _) => p.latency.get(kind).is_some_and(|s| s.count > 0),
            Metric::Failed { .. } | Metric::Throughput => ended > 0,
        };
        let actual = match self.metric {
            Metric::Latency(kind, stat) => p.latency.get(kind).map_or(0.0, |s| match stat {
                Stat::P50 => s.p50_us,
                Stat::P90 => s.p90_us,
                Stat::P99 => s.p99_us,
                Stat::P999 => s.p99_9_us,
                Stat::Max => s.max_us,
                Stat::Mean => s.mean_us,
            }),
            Metric::Failed { fraction: true } if ended == 0 => 0.0,
            Metric::Failed { fraction: true } => p.executions.failed as f64 * 100.0 / ended as f64,
            Metric::Failed { fraction: false } => p.executions.failed as f64,
            Metric::Throughput => p.throughput.executions_per_second,
        };
        let passed = measured
            && match self.op {
                Op::Lt => actual < self.limit,
                Op::Le => actual <= self.limit,
                Op::Gt => actual > self.limit,
                Op::Ge => actual >= self.limit,
            };
        Verdict {
            threshold: self.text.clone(),
            actual,
            passed,
        }
    }
}

fn number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

/// A duration with its unit, in µs.
fn micros(s: &str) -> Option<f64> {
    let at = s.find(|c: char| c.is_alphabetic() || c == 'µ')?;
    let scale = match &s[at..] {
        "ns" => 0.001,
        "us" | "µs" => 1.0,
        "ms" => 1000.0,
        "s" => 1_000_000.0,
        _ => return None,
    };
    number(&s[..at]).map(|v| v * scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::report::Counts;
    use crate::metrics::{Kind, Metrics};
    use std::time::Duration;

    fn phase(failed: u64) -> PhaseReport {
        let m = Metrics::new();
        for ms in 1..=100 {
            m.record(Kind::Execution, Duration::from_millis(ms));
        }
        PhaseReport::new(
            "run",
            Duration::from_secs(2),
            Counts::new(1000, 1000, failed),
            &m,
        )
    }

    fn holds(t: &str, p: &PhaseReport) -> bool {
        t.parse::<Threshold>().unwrap().judge(p).passed
    }

    #[test]
    fn latencies_failures_and_throughput_are_judged() {
        let p = phase(2);
        assert!(holds("execution.p99<100ms", &p));
        assert!(!holds("execution.p99<50ms", &p));
        assert!(holds("execution.p50 <= 50.1ms", &p));
        assert!(holds("execution.max>=0.09s", &p));
        assert!(!holds("execution.avg<20000us", &p));
        assert!(holds("failed<0.5%", &p));
        assert!(!holds("failed<0.1%", &p));
        assert!(holds("failed<=2", &p));
        assert!(!holds("failed<2", &p));
        assert!(holds("throughput>=500", &p));
        assert!(!holds("throughput>500/s", &p));
        let v = "failed<0.1%".parse::<Threshold>().unwrap().judge(&p);
        assert_eq!((v.actual, v.passed), (0.2, false));
        // Nothing recorded of a kind, or no execution ended: not met.
        assert!(!holds("task.p99<1s", &p));
        let idle = PhaseReport::new(
            "run",
            Duration::from_secs(1),
            Counts::new(0, 0, 0),
            &Metrics::new(),
        );
        assert!(!holds("failed<1%", &idle));
    }

    #[test]
    fn malformed_thresholds_are_refused() {
        for bad in [
            "execution.p99",
            "execution.p99<50",
            "execution.p42<5ms",
            "exec.p99<5ms",
            "failed<x%",
            "throughput>fast",
            "p99<5ms",
            "execution.p99<-5ms",
        ] {
            assert!(bad.parse::<Threshold>().is_err(), "{bad}");
        }
    }
}
