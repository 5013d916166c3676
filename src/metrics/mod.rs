//! Layer 9: latency recorders (hdrhistogram) for executions, state transitions, tasks and
//! Map items, and their summaries for `sfn bench` and the benches.
//!
//! The runtime records from every arbiter thread at once, a million times a second: each
//! kind keeps a few histograms, and each recording thread keeps to one of them, so threads
//! seldom wait on each other. A snapshot adds them up.

pub mod cloudwatch;

use hdrhistogram::Histogram;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// What a latency measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// StartExecution to the execution's end.
    Execution,
    /// A state's entry to its exit.
    Transition,
    /// A task handler's call to its answer.
    Task,
    /// One Map iteration or Distributed Map child, start to end.
    MapItem,
    /// One HTTP request to a Step Functions endpoint, sent to answered (`sfn bench
    /// --endpoint`).
    Request,
}

impl Kind {
    /// All the kinds, for going through every recorder.
    pub const ALL: [Kind; 5] = [
        Kind::Execution,
        Kind::Transition,
        Kind::Task,
        Kind::MapItem,
        Kind::Request,
    ];

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Execution => "execution",
            Kind::Transition => "transition",
            Kind::Task => "task",
            Kind::MapItem => "map_item",
            Kind::Request => "request",
        }
    }
}

/// Latencies are kept in nanoseconds, to 3 significant digits, up to an hour (longer ones
/// count as an hour).
const HIGHEST_NANOS: u64 = 3_600_000_000_000;
const SHARDS: usize = 8;

/// An empty histogram of the shape every recorder uses.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_NANOS, 3).expect("valid fixed bounds")
}

struct Sharded {
    shards: Vec<Mutex<Histogram<u64>>>,
}

impl Sharded {
    fn new() -> Self {
        Sharded {
            shards: (0..SHARDS).map(|_| Mutex::new(histogram())).collect(),
        }
    }

    fn record(&self, nanos: u64, expected_interval: Option<u64>) {
        let shard = &self.shards[shard_of_thread()];
        let mut h = shard.lock().unwrap_or_else(|e| e.into_inner());
        let nanos = nanos.clamp(1, HIGHEST_NANOS);
        match expected_interval {
            // Values above the bounds were clamped, so this cannot fail.
            Some(i) if i > 0 => {
                let _ = h.record_correct(nanos, i);
            }
            _ => h.saturating_record(nanos),
        }
    }

    fn snapshot(&self) -> Histogram<u64> {
        let mut all = histogram();
        for s in &self.shards {
            // Same bounds on both sides: adding cannot fail.
            let _ = all.add(&*s.lock().unwrap_or_else(|e| e.into_inner()));
        }
        all
    }
}

/// Threads take shards in turn, so the first `SHARDS` recording threads never share one.
fn shard_of_thread() -> usize {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    thread_local! {
        static SHARD: usize = (NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS as u64) as usize;
    }
    SHARD.with(|s| *s)
}

/// The recorders of one run.
pub struct Metrics {
    execution: Sharded,
    transition: Sharded,
    task: Sharded,
    map_item: Sharded,
    request: Sharded,
    transitions: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            execution: Sharded::new(),
            transition: Sharded::new(),
            task: Sharded::new(),
            map_item: Sharded::new(),
            request: Sharded::new(),
            transitions: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Recorders with nothing recorded yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn of(&self, kind: Kind) -> &Sharded {
        match kind {
            Kind::Execution => &self.execution,
            Kind::Transition => &self.transition,
            Kind::Task => &self.task,
            Kind::MapItem => &self.map_item,
            Kind::Request => &self.request,
        }
    }

    /// Records one latency.
    pub fn record(&self, kind: Kind, latency: Duration) {
        self.of(kind).record(nanos(latency), None);
    }

    /// Records a latency measured against a fixed rate of one every `interval`, adding the
    /// samples a stalled run would have missed (coordinated omission).
    pub fn record_corrected(&self, kind: Kind, latency: Duration, interval: Duration) {
        self.of(kind).record(nanos(latency), Some(nanos(interval)));
    }

    /// A state was entered.
    pub fn count_transition(&self) {
        self.transitions.fetch_add(1, Ordering::Relaxed);
    }

    /// States entered so far.
    pub fn transitions(&self) -> u64 {
        self.transitions.load(Ordering::Relaxed)
    }

    /// Forgets everything recorded (between the phases of a run).
    pub fn reset(&self) {
        for kind in Kind::ALL {
            for s in &self.of(kind).shards {
                s.lock().unwrap_or_else(|e| e.into_inner()).reset();
            }
        }
        self.transitions.store(0, Ordering::Relaxed);
    }

    /// Everything recorded of `kind` so far.
    pub fn snapshot(&self, kind: Kind) -> Histogram<u64> {
        self.of(kind).snapshot()
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl crate::runtime::Observer for Metrics {
    fn state_entered(&self) {
        self.count_transition();
    }

    fn state_exited(&self, took: Duration) {
        self.record(Kind::Transition, took);
    }

    fn task_answered(&self, took: Duration) {
        self.record(Kind::Task, took);
    }

    fn item_done(&self, took: Duration) {
        self.record(Kind::MapItem, took);
    }
}

/// A latency distribution summarised, in microseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencySummary {
    /// How many latencies were recorded.
    pub count: u64,
    /// Their mean.
    pub mean_us: f64,
    /// The median.
    pub p50_us: f64,
    /// The latency 90% of them are at or under.
    pub p90_us: f64,
    /// The latency 99% of them are at or under.
    pub p99_us: f64,
    /// The latency 99.9% of them are at or under.
    pub p99_9_us: f64,
    /// The longest.
    pub max_us: f64,
}

impl LatencySummary {
    /// Summarises a histogram of nanoseconds (all zeros when it is empty).
    pub fn of(h: &Histogram<u64>) -> Self {
        let us = |ns: u64| (ns as f64 / 1000.0 * 1000.0).round() / 1000.0;
        if h.is_empty() {
            return LatencySummary {
                count: 0,
                mean_us: 0.0,
                p50_us: 0.0,
                p90_us: 0.0,
                p99_us: 0.0,
                p99_9_us: 0.0,
                max_us: 0.0,
            };
        }
        LatencySummary {
            count: h.len(),
            mean_us: (h.mean() / 1000.0 * 1000.0).round() / 1000.0,
            p50_us: us(h.value_at_quantile(0.50)),
            p90_us: us(h.value_at_quantile(0.90)),
            p99_us: us(h.value_at_quantile(0.99)),
            p99_9_us: us(h.value_at_quantile(0.999)),
            max_us: us(h.max()),
        }
    }
}

/// The points of a percentile plot: (percentile, latency in µs), from the median out to
/// the maximum, denser towards the tail.
pub fn percentile_curve(h: &Histogram<u64>) -> Vec<(f64, f64)> {
    if h.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut p: f64 = 0.0;
    // Halves the distance to 100% each step: 0, 50, 75, 87.5, ... as HdrHistogram plots.
    for _ in 0..24 {
        out.push((p * 100.0, h.value_at_quantile(p) as f64 / 1000.0));
        p += (1.0 - p) / 2.0;
    }
    out.push((100.0, h.max() as f64 / 1000.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_latencies_give_their_percentiles() {
        let m = Metrics::new();
        for us in 1..=1000u64 {
            m.record(Kind::Task, Duration::from_micros(us));
        }
        let s = LatencySummary::of(&m.snapshot(Kind::Task));
        assert_eq!(s.count, 1000);
        // 3 significant digits: each value within 0.1% of the exact one.
        let close = |got: f64, want: f64| (got - want).abs() <= want * 0.001 + 0.001;
        assert!(close(s.p50_us, 500.0), "{s:?}");
        assert!(close(s.p90_us, 900.0), "{s:?}");
        assert!(close(s.p99_us, 990.0), "{s:?}");
        assert!(close(s.p99_9_us, 999.0), "{s:?}");
        assert!(close(s.max_us, 1000.0), "{s:?}");
        assert!(close(s.mean_us, 500.5), "{s:?}");
    }

    #[test]
    fn recordings_from_many_threads_add_up() {
        let m = std::sync::Arc::new(Metrics::new());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let m = std::sync::Arc::clone(&m);
                std::thread::spawn(move || {
                    for _ in 0..250 {
                        m.record(Kind::Transition, Duration::from_nanos(300));
                        m.count_transition();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(m.snapshot(Kind::Transition).len(), 1000);
        assert_eq!(m.transitions(), 1000);
    }

    #[test]
    fn a_stall_at_a_fixed_rate_adds_the_samples_it_hid() {
        let m = Metrics::new();
        // One request every 1 ms; one of them took 100 ms: the 99 that a closed loop
        // would not have sent meanwhile are accounted for.
        for _ in 0..99 {
            m.record_corrected(
                Kind::Execution,
                Duration::from_micros(100),
                Duration::from_millis(1),
            );
        }
        m.record_corrected(
            Kind::Execution,
            Duration::from_millis(100),
            Duration::from_millis(1),
        );
        let h = m.snapshot(Kind::Execution);
        assert_eq!(h.len(), 99 + 100);
        let s = LatencySummary::of(&h);
        assert!(s.p90_us > 10_000.0, "{s:?}");
        let plain = Metrics::new();
        for _ in 0..99 {
            plain.record(Kind::Execution, Duration::from_micros(100));
        }
        plain.record(Kind::Execution, Duration::from_millis(100));
        assert!(LatencySummary::of(&plain.snapshot(Kind::Execution)).p90_us < 200.0);
    }

    #[test]
    fn the_curve_runs_from_the_median_to_the_maximum() {
        let mut h = histogram();
        for v in 1..=10_000u64 {
            h.record(v * 1000).unwrap();
        }
        let c = percentile_curve(&h);
        assert_eq!(c.first().unwrap().0, 0.0);
        let (p, max) = *c.last().unwrap();
        assert_eq!(p, 100.0);
        assert!((max - 10_000.0).abs() <= 10.0, "{max}");
        assert!(c.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1));
    }
}
