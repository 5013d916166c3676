//! Time. Everything that reads the time or waits goes through a [`Clock`], so tests,
//! conformance runs and load tests can use virtual time: a one-year Wait ends at once.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use std::sync::Arc;
use tokio::sync::watch;

/// A source of time and of sleeping.
pub trait Clock: Send + Sync + 'static {
    /// The current time on this clock.
    fn now(&self) -> DateTime<Utc>;

    /// The caller is idle until `t`. A virtual clock makes the time pass at once.
    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()>;

    /// Resolves once the time reaches `t`, without making time pass: a deadline that only
    /// something else's sleeping (or real time) brings closer.
    fn deadline(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()>;

    /// The clock one execution runs on. A virtual clock gives each execution its own
    /// timeline starting now, so one execution's Wait never fires another's timeout.
    fn fork(&self) -> Arc<dyn Clock>;

    /// Whether every fork keeps one and the same time (no timeline of its own), so that
    /// executions may share one fork.
    fn forks_alike(&self) -> bool {
        false
    }
}

/// Wall-clock time and tokio timers.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealClock;

impl Clock for RealClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        self.deadline(t)
    }

    fn deadline(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let d = (t - Utc::now()).to_std().unwrap_or_default();
        Box::pin(tokio::time::sleep(d))
    }

    fn fork(&self) -> Arc<dyn Clock> {
        Arc::new(RealClock)
    }

    fn forks_alike(&self) -> bool {
        true
    }
}

/// Wall-clock time on which an execution's own waits (Wait states, Retry intervals) take
/// `scale` times as long: Step Functions Local's `WAIT_TIME_SCALE`. 0 makes them end at
/// once; timeouts and everything else keep real time.
#[derive(Debug, Clone, Copy)]
pub struct ScaledClock {
    scale: f64,
}

impl ScaledClock {
    /// Waits take `scale` times as long; `None` unless `scale` is finite and not negative.
    pub fn new(scale: f64) -> Option<Self> {
        (scale.is_finite() && scale >= 0.0).then_some(ScaledClock { scale })
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let d = (t - Utc::now()).to_std().unwrap_or_default();
        let scaled = std::time::Duration::try_from_secs_f64(d.as_secs_f64() * self.scale)
            .unwrap_or(std::time::Duration::MAX);
        Box::pin(tokio::time::sleep(scaled))
    }

    fn deadline(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        RealClock.deadline(t)
    }

    fn fork(&self) -> Arc<dyn Clock> {
        Arc::new(*self)
    }

    fn forks_alike(&self) -> bool {
        true
    }
}

/// Time that moves only when someone sleeps on it (or [`VirtualClock::advance_to`] is
/// called), in milliseconds since the Unix epoch.
#[derive(Debug, Clone)]
pub struct VirtualClock {
    now_ms: Arc<watch::Sender<i64>>,
    /// The same time, read without the channel's lock: every state reads the clock, from
    /// every arbiter thread at once.
    read_ms: Arc<std::sync::atomic::AtomicI64>,
}

impl VirtualClock {
    /// A virtual clock starting at `start`.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        VirtualClock {
            now_ms: Arc::new(watch::Sender::new(start.timestamp_millis())),
            read_ms: Arc::new(std::sync::atomic::AtomicI64::new(start.timestamp_millis())),
        }
    }

    /// A virtual clock starting at the current wall-clock time.
    pub fn new() -> Self {
        Self::starting_at(Utc::now())
    }

    /// Moves time forward to `t` (never backwards).
    pub fn advance_to(&self, t: DateTime<Utc>) {
        let ms = t.timestamp_millis();
        self.now_ms.send_if_modified(|now| {
            if ms > *now {
                *now = ms;
                // Under the channel's lock, so the two never disagree for long and never
                // go backwards.
                self.read_ms.store(ms, std::sync::atomic::Ordering::Release);
                true
            } else {
                false
            }
        });
    }

    /// Moves time forward by `d`.
    pub fn advance(&self, d: chrono::Duration) {
        self.advance_to(self.now() + d);
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        let ms = self.read_ms.load(std::sync::atomic::Ordering::Acquire);
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    fn sleep_until(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let me = self.clone();
        Box::pin(async move {
            me.advance_to(t);
            // Yield once so deadlines that this jump passed are seen before the sleeper
            // resumes: a timeout due before the sleep ends wins, as in real time.
            tokio::task::yield_now().await;
        })
    }

    fn deadline(&self, t: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let mut rx = self.now_ms.subscribe();
        let ms = t.timestamp_millis();
        Box::pin(async move {
            loop {
                if *rx.borrow_and_update() >= ms {
                    return;
                }
                if rx.changed().await.is_err() {
                    // The clock is gone: this deadline can never come.
                    std::future::pending::<()>().await;
                }
            }
        })
    }

    fn fork(&self) -> Arc<dyn Clock> {
        Arc::new(VirtualClock::starting_at(self.now()))
    }
}

pub use crate::data::time::iso;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_matches_chrono() {
        use chrono::TimeZone;
        for (secs, nanos) in [
            (0, 0),
            (1_700_000_000, 123_456_789),
            (253_402_300_799, 999_999_999),
        ] {
            let t = Utc.timestamp_opt(secs, nanos).unwrap();
            assert_eq!(
                iso(t),
                t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            );
        }
    }

    #[actix_rt::test]
    async fn virtual_sleep_passes_time_at_once() {
        let c = VirtualClock::new();
        let t0 = c.now();
        let year = t0 + chrono::Duration::days(365);
        c.sleep_until(year).await;
        assert_eq!(
            c.now(),
            DateTime::from_timestamp_millis(year.timestamp_millis()).unwrap()
        );
    }

    #[actix_rt::test]
    async fn deadlines_fire_when_time_passes_them() {
        let c = VirtualClock::new();
        let t0 = c.now();
        let d = c.deadline(t0 + chrono::Duration::seconds(5));
        let sleeper = c.sleep_until(t0 + chrono::Duration::seconds(10));
        let (_, _) = futures::join!(d, sleeper);
        assert!(c.now() >= t0 + chrono::Duration::seconds(10));
    }

    #[actix_rt::test]
    async fn forks_have_their_own_timeline() {
        let root = VirtualClock::new();
        let a = root.fork();
        let t0 = a.now();
        a.sleep_until(t0 + chrono::Duration::days(1)).await;
        assert!(root.now() < t0 + chrono::Duration::days(1));
    }
}
