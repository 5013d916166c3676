//! A run second by second: executions started and ended, failures, and the median and
//! p99 latency of those that ended in each second, as load testers plot them over time.
//! One histogram is reused from second to second, so a long soak costs no more memory
//! than a short run.

use super::schedule::Schedule;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One second of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Second {
    /// Seconds from the run's start.
    pub second: u64,
    /// Executions started in it.
    pub started: u64,
    /// Executions that ended in it.
    pub ended: u64,
    /// Of those, the unsuccessful ones.
    pub failed: u64,
    /// The median latency of the executions that ended in it (µs; 0 if none ended).
    pub p50_us: f64,
    /// Their p99 latency (µs).
    pub p99_us: f64,
    /// The arrival rate the schedule asked for in it, on average (open model), or null.
    pub target_rate: Option<f64>,
}

struct Current {
    second: u64,
    started: u64,
    ended: u64,
    failed: u64,
    latencies: Histogram<u64>,
    done: Vec<Second>,
}

/// Collects the seconds of one phase.
pub struct Timeline {
    started_at: Instant,
    schedule: Option<Schedule>,
    current: Mutex<Current>,
}

/// Latencies per second are kept in µs to 2 significant digits, up to an hour.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 2).expect("valid fixed bounds")
}

impl Timeline {
    /// A timeline from `started_at`, of a run that follows `schedule` when it has one.
    pub fn new(started_at: Instant, schedule: Option<Schedule>) -> Self {
        Timeline {
            started_at,
            schedule,
            current: Mutex::new(Current {
                second: 0,
                started: 0,
                ended: 0,
                failed: 0,
                latencies: histogram(),
                done: Vec::new(),
            }),
        }
    }

    /// An execution started now.
    pub fn started(&self) {
        self.at_now(|c| c.started += 1);
    }

    /// An execution ended now, after `latency`.
    pub fn ended(&self, latency: Duration, failed: bool) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.at_now(|c| {
            c.ended += 1;
            c.failed += u64::from(failed);
            c.latencies.saturating_record(us.clamp(1, 3_600_000_000));
        });
    }

    /// Updates the second this moment falls in, closing the seconds before it. (A thread
    /// that reports just after another moved on is counted in the newer second.)
    fn at_now(&self, update: impl FnOnce(&mut Current)) {
        let now = self.started_at.elapsed().as_secs();
        let mut c = self.current.lock().unwrap_or_else(|e| e.into_inner());
        while c.second < now {
            self.close(&mut c);
        }
        update(&mut c);
    }

    fn close(&self, c: &mut Current) {
        let s = self.summary(c);
        c.done.push(s);
        c.second += 1;
        (c.started, c.ended, c.failed) = (0, 0, 0);
        c.latencies.reset();
    }

    fn summary(&self, c: &Current) -> Second {
        let q = |p: f64| match c.latencies.is_empty() {
            true => 0.0,
            false => c.latencies.value_at_quantile(p) as f64,
        };
        Second {
            second: c.second,
            started: c.started,
            ended: c.ended,
            failed: c.failed,
            p50_us: q(0.5),
            p99_us: q(0.99),
            target_rate: self
                .schedule
                .as_ref()
                // At the middle of the second, the average of a straight ramp over it.
                .map(|s| (s.rate_at(c.second as f64 + 0.5) * 1000.0).round() / 1000.0),
        }
    }

    /// The seconds up to now, the one still open included if anything happened in it.
    pub fn seconds(&self) -> Vec<Second> {
        let mut c = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let now = self.started_at.elapsed().as_secs();
        while c.second < now {
            self.close(&mut c);
        }
        let mut out = c.done.clone();
        if c.started + c.ended > 0 {
            out.push(self.summary(&c));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_second_counts_its_own() {
        // A start 2.5 s ago: seconds 0 and 1 have passed, the third is open.
        let t = Timeline::new(
            Instant::now() - Duration::from_millis(2500),
            Some(Schedule::parse("0:100", Some(&[Duration::from_secs(10)])).unwrap()),
        );
        t.started();
        t.ended(Duration::from_millis(3), false);
        t.ended(Duration::from_millis(5), true);
        let s = t.seconds();
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!((s[0].started, s[0].ended), (0, 0));
        assert_eq!((s[2].started, s[2].ended, s[2].failed), (1, 2, 1));
        assert!((s[2].p99_us - 5000.0).abs() <= 50.0, "{s:?}");
        assert_eq!(s[1].target_rate, Some(15.0));
    }
}
