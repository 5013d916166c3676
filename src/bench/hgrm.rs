//! `--hgrm DIR`: each latency's percentile distribution in HdrHistogram's `.hgrm` text
//! form, which HdrHistogram's plotter and the tools built on it read. Values are in
//! milliseconds.

use hdrhistogram::Histogram;
use std::fmt::Write as _;

/// Percentile steps per halving of the distance to 100%, as HdrHistogram prints by default.
const TICKS_PER_HALF_DISTANCE: u32 = 5;

/// The sub-buckets of a histogram of 3 significant digits (every recorder's).
const SUB_BUCKETS: u32 = 2048;

/// The `.hgrm` text of a histogram of nanoseconds.
pub fn percentile_distribution(h: &Histogram<u64>) -> String {
    let ms = |ns: f64| ns / 1_000_000.0;
    let mut out = format!(
        "{:>12} {:>14} {:>10} {:>14}\n\n",
        "Value", "Percentile", "TotalCount", "1/(1-Percentile)"
    );
    let mut total = 0u64;
    for v in h.iter_quantiles(TICKS_PER_HALF_DISTANCE) {
        total += v.count_since_last_iteration();
        let q = v.quantile_iterated_to();
        let value = ms(v.value_iterated_to() as f64);
        if q >= 1.0 {
            let _ = writeln!(out, "{value:12.3} {q:2.12} {total:10}");
        } else {
            let _ = writeln!(
                out,
                "{value:12.3} {q:2.12} {total:10} {:14.2}",
                1.0 / (1.0 - q)
            );
        }
    }
    let _ = writeln!(
        out,
        "#[Mean    = {:12.3}, StdDeviation   = {:12.3}]",
        ms(h.mean()),
        ms(h.stdev())
    );
    let _ = writeln!(
        out,
        "#[Max     = {:12.3}, Total count    = {:12}]",
        ms(h.max() as f64),
        h.len()
    );
    let _ = writeln!(
        out,
        "#[Buckets = {:12}, SubBuckets     = {:12}]",
        h.buckets(),
        SUB_BUCKETS
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distribution_runs_to_the_maximum_and_counts_everything() {
        let mut h = crate::metrics::histogram();
        for ms in 1..=1000u64 {
            h.record(ms * 1_000_000).unwrap();
        }
        let text = percentile_distribution(&h);
        let rows: Vec<Vec<f64>> = text
            .lines()
            .skip(2)
            .take_while(|l| !l.starts_with('#'))
            .map(|l| l.split_whitespace().map(|x| x.parse().unwrap()).collect())
            .collect();
        let first = &rows[0];
        let last = rows.last().unwrap();
        assert!((first[0] - 1.0).abs() < 0.01, "{text}");
        assert_eq!((last[1], last[2], last.len()), (1.0, 1000.0, 3), "{text}");
        assert!((last[0] - 1000.0).abs() <= 1.0, "{text}");
        // Percentiles and counts only grow.
        assert!(rows
            .windows(2)
            .all(|w| w[0][1] <= w[1][1] && w[0][2] <= w[1][2]));
        assert!(text.contains("Total count    =         1000]"), "{text}");
    }
}
