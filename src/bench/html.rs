//! The static HTML report (`--html`): the table, and per phase three plots drawn as inline
//! SVG: latency by percentile (log scales, as HdrHistogram plots them), executions per
//! second over time with the schedule's target rate and its stages, and p50/p99 latency
//! over time.

use super::report::{PhaseReport, Report};
use super::timeline::Second;
use crate::metrics::percentile_curve;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const COLORS: [(&str, &str); 5] = [
    ("execution", "#1f77b4"),
    ("transition", "#2ca02c"),
    ("task", "#d62728"),
    ("map_item", "#9467bd"),
    ("request", "#8c564b"),
];

/// Plot size and margins: the left margin holds the widest axis label ("100 ms"), the
/// right one the legend.
const W: f64 = 820.0;
const H: f64 = 360.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 130.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;

impl Report {
    /// The page: the table, then each phase's plots.
    pub fn html(&self) -> String {
        let mut out = String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>sfn bench</title>\n\
             <style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}\
             svg{background:#fff;border:1px solid #ccc;display:block;margin:1em 0}</style></head><body>\n",
        );
        let _ = writeln!(out, "<h1>sfn bench: {}</h1>", escape(&self.workload));
        let _ = writeln!(out, "<pre>{}</pre>", escape(&self.table()));
        let stages = self.stage_ends();
        for p in &self.phases {
            let name = escape(&p.name);
            let _ = writeln!(out, "<h2>{name}: latency by percentile</h2>");
            let curves = p
                .histograms
                .iter()
                .map(|(kind, h)| (*kind, percentile_curve(h)))
                .collect();
            out.push_str(&percentiles(&curves));
            if !p.timeline.is_empty() {
                let _ = writeln!(out, "<h2>{name}: executions per second</h2>");
                out.push_str(&throughput(&p.timeline, &stages));
                let _ = writeln!(out, "<h2>{name}: execution latency over time</h2>");
                out.push_str(&latency_over_time(p));
            }
        }
        out.push_str("</body></html>\n");
        out
    }

    /// The seconds at which the ramp's stages end.
    fn stage_ends(&self) -> Vec<f64> {
        let mut t = 0.0;
        self.settings
            .stages
            .iter()
            .map(|s| {
                t += s.seconds;
                t
            })
            .collect()
    }
}

/// A duration in µs as a short axis label.
fn duration_label(us: f64) -> String {
    match us {
        u if u >= 1_000_000.0 => format!("{} s", u / 1_000_000.0),
        u if u >= 1000.0 => format!("{} ms", u / 1000.0),
        u if u >= 1.0 => format!("{u} µs"),
        0.0 => "0".into(),
        u => format!("{} ns", u * 1000.0),
    }
}

fn svg_open(id: &str) -> String {
    format!(
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\">\n"
    )
}

/// The legend, right of the plot area, one row per entry.
fn legend(s: &mut String, entries: &[(&str, &str)]) {
    for (i, (name, color)) in entries.iter().enumerate() {
        let y = TOP + 10.0 + 20.0 * i as f64;
        let x = W - RIGHT + 12.0;
        let _ = writeln!(
            s,
            "<g class=\"legend\"><rect x=\"{x}\" y=\"{:.1}\" width=\"14\" height=\"4\" fill=\"{color}\"/>\
             <text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\">{name}</text></g>",
            y - 6.0,
            x + 20.0
        );
    }
}

/// Latency against percentile: x is `log10(1 / (1 - p))` (0 at the median's left edge,
/// 1 at 90%, 2 at 99%, ...), y is log10 of the latency.
fn percentiles(curves: &BTreeMap<&'static str, Vec<(f64, f64)>>) -> String {
    let x_of = |pct: f64| {
        let q = (pct / 100.0).min(0.999_999);
        (1.0 / (1.0 - q)).log10()
    };
    let points: Vec<(f64, f64)> = curves
        .values()
        .flatten()
        .map(|&(p, us)| (x_of(p), us.max(0.001).log10()))
        .collect();
    if points.is_empty() {
        return "<p>no latencies recorded</p>\n".into();
    }
    let x_max = points.iter().map(|p| p.0).fold(1.0_f64, f64::max).ceil();
    let y_min = points.iter().map(|p| p.1).fold(f64::MAX, f64::min).floor();
    let y_max = points
        .iter()
        .map(|p| p.1)
        .fold(f64::MIN, f64::max)
        .ceil()
        .max(y_min + 1.0);
    let sx = |x: f64| LEFT + x / x_max * (W - LEFT - RIGHT);
    let sy = |y: f64| H - BOTTOM - (y - y_min) / (y_max - y_min) * (H - TOP - BOTTOM);
    let mut s = svg_open("percentiles");
    for decade in 0..=(x_max as i32) {
        let x = sx(f64::from(decade));
        let label = match decade {
            0 => "0%".to_string(),
            d => format!("{}%", 100.0 - 100.0 / 10f64.powi(d)),
        };
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
             <text class=\"x-label\" x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>",
            H - BOTTOM,
            H - BOTTOM + 16.0
        );
    }
    for e in (y_min as i32)..=(y_max as i32) {
        let y = sy(f64::from(e));
        y_tick(&mut s, y, &duration_label(10f64.powi(e)));
    }
    let mut shown = Vec::new();
    for (name, color) in COLORS {
        let Some(curve) = curves.get(name).filter(|c| !c.is_empty()) else {
            continue;
        };
        let path: Vec<String> = curve
            .iter()
            .map(|&(p, us)| format!("{:.1},{:.1}", sx(x_of(p)), sy(us.max(0.001).log10())))
            .collect();
        polyline(&mut s, name, color, &path, false);
        shown.push((name, color));
    }
    legend(&mut s, &shown);
    s.push_str("</svg>\n");
    s
}

fn y_tick(s: &mut String, y: f64, label: &str) {
    let _ = writeln!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
         <text class=\"y-label\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{label}</text>",
        W - RIGHT,
        LEFT - 6.0,
        y + 4.0
    );
}

fn polyline(s: &mut String, name: &str, color: &str, points: &[String], dashed: bool) {
    let dash = if dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "<polyline class=\"series\" data-name=\"{name}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"{}\"/>",
        points.join(" ")
    );
}

/// A plot over the run's seconds of the given series (name, colour, dashed, values), on
/// a linear y axis from 0; `stage_ends` are marked as vertical lines.
fn over_time(
    id: &str,
    seconds: &[Second],
    series: &[(&str, &str, bool, Vec<f64>)],
    stage_ends: &[f64],
    label: impl Fn(f64) -> String,
) -> String {
    let x_max = (seconds.len().max(2) - 1) as f64;
    let top = series
        .iter()
        .flat_map(|s| s.3.iter().copied())
        .fold(0.0_f64, f64::max);
    let y_max = nice_ceiling(top);
    let sx = |x: f64| LEFT + x / x_max * (W - LEFT - RIGHT);
    let sy = |y: f64| H - BOTTOM - y / y_max * (H - TOP - BOTTOM);
    let mut s = svg_open(id);
    for i in 0..=4 {
        let v = y_max * f64::from(i) / 4.0;
        y_tick(&mut s, sy(v), &label(v));
    }
    let step = (x_max / 10.0).ceil().max(1.0);
    let mut x = 0.0;
    while x <= x_max {
        let _ = writeln!(
            s,
            "<text class=\"x-label\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{x} s</text>",
            sx(x),
            H - BOTTOM + 16.0
        );
        x += step;
    }
    for end in stage_ends.iter().filter(|e| **e <= x_max) {
        let _ = writeln!(
            s,
            "<line class=\"stage\" x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>",
            sx(*end),
            H - BOTTOM
        );
    }
    let mut shown = Vec::new();
    for (name, color, dashed, values) in series {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", sx(i as f64), sy(*v)))
            .collect();
        polyline(&mut s, name, color, &points, *dashed);
        shown.push((*name, *color));
    }
    legend(&mut s, &shown);
    s.push_str("</svg>\n");
    s
}

/// 1, 2 or 5 times a power of ten, at or above `v`.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * p)
}

fn throughput(seconds: &[Second], stage_ends: &[f64]) -> String {
    let col = |f: fn(&Second) -> f64| seconds.iter().map(f).collect::<Vec<f64>>();
    let mut series = vec![
        ("started", "#1f77b4", false, col(|s| s.started as f64)),
        ("ended", "#2ca02c", false, col(|s| s.ended as f64)),
        ("failed", "#d62728", false, col(|s| s.failed as f64)),
    ];
    if seconds.iter().any(|s| s.target_rate.is_some()) {
        series.push((
            "target rate",
            "#555",
            true,
            col(|s| s.target_rate.unwrap_or(0.0)),
        ));
    }
    over_time("throughput", seconds, &series, stage_ends, |v| {
        format!("{v}/s")
    })
}

fn latency_over_time(p: &PhaseReport) -> String {
    let col = |f: fn(&Second) -> f64| p.timeline.iter().map(f).collect::<Vec<f64>>();
    let series = [
        ("p50", "#1f77b4", false, col(|s| s.p50_us)),
        ("p99", "#ff7f0e", false, col(|s| s.p99_us)),
    ];
    over_time("latency", &p.timeline, &series, &[], duration_label)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_scales_are_short_and_round() {
        assert_eq!(duration_label(100_000.0), "100 ms");
        assert_eq!(duration_label(1.0), "1 µs");
        assert_eq!(duration_label(2_000_000.0), "2 s");
        assert_eq!(nice_ceiling(4321.0), 5000.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
    }
}
