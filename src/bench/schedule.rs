//! Open-model arrival schedules: when each execution of a run at a rate is due. A rate
//! holds, or moves linearly through stages (`--rate 100:5000 --ramp 60s`), as load
//! testers ramp arrival rates; the schedule decides the starts, never how fast the
//! executions end, so a run that falls behind shows it in its latencies.

use serde::Serialize;
use std::time::Duration;

/// One stage: the rate moves linearly from where the previous stage left it to `to_rate`
/// over `seconds`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    /// How long the stage lasts.
    pub seconds: f64,
    /// The rate (executions per second) at its end.
    pub to_rate: f64,
}

/// Arrival rates over time: `from_rate`, then each stage in turn, then the last rate held.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    /// The rate (executions per second) at the start.
    pub from_rate: f64,
    /// The stages, in order; none for a fixed rate.
    pub stages: Vec<Stage>,
}

/// The highest rate a schedule may name.
pub const MAX_RATE: f64 = 10_000_000.0;
/// The lowest rate other than 0 a schedule may name.
pub const MIN_RATE: f64 = 0.001;

impl Schedule {
    /// A rate that holds.
    pub fn fixed(rate: f64) -> Self {
        Schedule {
            from_rate: rate,
            stages: Vec::new(),
        }
    }

    /// `--rate R` (fixed), or `--rate R0:R1[:R2...]` with `--ramp D` (each stage lasts D)
    /// or `--ramp D1,D2,...` (one duration per stage).
    pub fn parse(rate: &str, ramp: Option<&[Duration]>) -> Result<Schedule, String> {
        let rates = rate
            .split(':')
            .map(|r| parse_rate(r, rate))
            .collect::<Result<Vec<f64>, String>>()?;
        let (from, targets) = rates.split_first().ok_or("--rate is empty")?;
        let Some(ramp) = ramp else {
            if !targets.is_empty() {
                return Err(format!(
                    "--rate '{rate}' names {} rates: give --ramp, the time each change takes",
                    rates.len()
                ));
            }
            if *from == 0.0 {
                return Err("--rate must be more than 0 executions per second".into());
            }
            return Ok(Schedule::fixed(*from));
        };
        if targets.is_empty() {
            return Err("--ramp needs --rate FROM:TO (two rates or more)".into());
        }
        let seconds: Vec<f64> = match ramp {
            [one] => vec![one.as_secs_f64(); targets.len()],
            many if many.len() == targets.len() => many.iter().map(Duration::as_secs_f64).collect(),
            many => {
                return Err(format!(
                    "--ramp gives {} durations for {} stages: give one, or one per stage",
                    many.len(),
                    targets.len()
                ))
            }
        };
        if rates.iter().all(|r| *r == 0.0) {
            return Err("--rate: every rate is 0, nothing would start".into());
        }
        Ok(Schedule {
            from_rate: *from,
            stages: seconds
                .into_iter()
                .zip(targets)
                .map(|(seconds, &to_rate)| Stage { seconds, to_rate })
                .collect(),
        })
    }

    /// Whether the rate ever changes.
    pub fn is_ramp(&self) -> bool {
        !self.stages.is_empty()
    }

    /// How long the stages last in all (zero for a fixed rate).
    pub fn stages_length(&self) -> Duration {
        Duration::from_secs_f64(self.stages.iter().map(|s| s.seconds).sum())
    }

    /// The rate `t` seconds into the run.
    pub fn rate_at(&self, t: f64) -> f64 {
        let mut start = 0.0;
        let mut from = self.from_rate;
        for s in &self.stages {
            if t < start + s.seconds {
                return from + (s.to_rate - from) * (t - start) / s.seconds;
            }
            start += s.seconds;
            from = s.to_rate;
        }
        from
    }

    /// When arrival `i` (from 0) is due, from the run's start: the time by which the rate,
    /// added up, reaches `i`. `None` if it never does (the last rate is 0) or past what a
    /// clock can hold.
    pub fn due(&self, i: u64) -> Option<Duration> {
        let mut left = i as f64;
        let mut start = 0.0;
        let mut from = self.from_rate;
        for s in &self.stages {
            // Arrivals within the stage: the area under the rate's straight line.
            let within = (from + s.to_rate) / 2.0 * s.seconds;
            if left < within {
                let slope = (s.to_rate - from) / s.seconds;
                return secs(start + time_for(left, from, slope));
            }
            left -= within;
            start += s.seconds;
            from = s.to_rate;
        }
        if from <= 0.0 {
            return None;
        }
        secs(start + left / from)
    }
}

/// The time `x` at which `rate0 * x + slope * x² / 2` reaches `n`, in the form that stays
/// exact when the slope is 0 and when the rate starts at 0.
fn time_for(n: f64, rate0: f64, slope: f64) -> f64 {
    if n <= 0.0 {
        return 0.0;
    }
    let root = (rate0 * rate0 + 2.0 * slope * n).max(0.0).sqrt();
    2.0 * n / (rate0 + root)
}

fn secs(s: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(s).ok()
}

fn parse_rate(r: &str, whole: &str) -> Result<f64, String> {
    let v: f64 = r
        .trim()
        .parse()
        .map_err(|_| format!("--rate '{whole}': '{r}' is not a number of executions per second"))?;
    if v != 0.0 && !(MIN_RATE..=MAX_RATE).contains(&v) {
        return Err(format!(
            "--rate '{whole}': each rate must be 0 or from {MIN_RATE} to {MAX_RATE} executions per second"
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: f64) -> Duration {
        Duration::from_secs_f64(x)
    }

    #[test]
    fn a_fixed_rate_spaces_arrivals_evenly() {
        let f = Schedule::parse("4", None).unwrap();
        assert!(!f.is_ramp());
        assert_eq!(f.due(0), Some(Duration::ZERO));
        assert_eq!(f.due(1), Some(s(0.25)));
        assert_eq!(f.due(8), Some(s(2.0)));
    }

    #[test]
    fn a_ramp_starts_as_many_as_the_area_under_its_rate() {
        // 0 → 100/s over 10 s: 500 arrivals, t² growth; then 100/s held.
        let r = Schedule::parse("0:100", Some(&[s(10.0)])).unwrap();
        let at = |i| r.due(i).unwrap().as_secs_f64();
        assert_eq!(at(0), 0.0);
        // N(t) = 5 t²: the 125th arrival at 5 s, the 500th at 10 s.
        assert!((at(125) - 5.0).abs() < 1e-9, "{}", at(125));
        assert!((at(500) - 10.0).abs() < 1e-9);
        assert!((at(600) - 11.0).abs() < 1e-9);
        // Arrivals per second follow the rate: 1 s in the first, 19 in the tenth.
        let per_second = |k: f64| (0..700).filter(|&i| (k..k + 1.0).contains(&at(i))).count();
        assert_eq!(per_second(0.0), 5);
        assert_eq!(per_second(9.0), 95);
        assert_eq!(per_second(10.0), 100);
        assert!((r.rate_at(2.5) - 25.0).abs() < 1e-9);
    }

    #[test]
    fn stages_follow_one_another_and_a_rate_of_zero_ends_the_run() {
        let r = Schedule::parse("100:100:0", Some(&[s(2.0), s(2.0)])).unwrap();
        // 200 at 100/s over 2 s, then 100 more while it falls to 0.
        assert!((r.due(200).unwrap().as_secs_f64() - 2.0).abs() < 1e-9);
        assert!(r.due(299).is_some());
        assert_eq!(r.due(300), None);
        assert_eq!(r.stages_length(), s(4.0));
        assert!((r.rate_at(3.0) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn bad_schedules_are_refused() {
        assert!(Schedule::parse("100:5000", None).is_err());
        assert!(Schedule::parse("100", Some(&[s(1.0)])).is_err());
        assert!(Schedule::parse("1:2:3", Some(&[s(1.0), s(1.0), s(1.0)])).is_err());
        assert!(Schedule::parse("0", None).is_err());
        assert!(Schedule::parse("0:0", Some(&[s(1.0)])).is_err());
        assert!(Schedule::parse("-1:5", Some(&[s(1.0)])).is_err());
        assert!(Schedule::parse("1e9", None).is_err());
        assert!(Schedule::parse("x", None).is_err());
    }
}
