//! The HTML report of `sfn bench`, opened in a real headless browser (Chromium): it
//! renders to a screenshot without console errors, its plots and their series are there,
//! and the browser's own layout puts every label inside its plot and no two legend
//! entries on top of each other.
//!
//! `.ci/run` installs Chromium; elsewhere, without it, the test says so and is skipped
//! (under CI it fails instead).

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let o = Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .ok()?;
            let path = String::from_utf8_lossy(&o.stdout).trim().to_string();
            (o.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
        });
    assert!(
        found.is_some() || std::env::var_os("CI").is_none(),
        "no Chromium: .ci/run installs it (apt-get install chromium)"
    );
    if found.is_none() {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
    }
    found
}

/// Runs the page in the browser: what `--dump-dom` printed after its scripts ran, and
/// what the browser logged.
fn open(browser: &Path, args: &[&str], page: &Path) -> (String, String) {
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1000,2600",
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("the browser runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Measures, in the browser, every text of every plot against its plot's box, and the
/// legend entries against each other; the findings go into the page for `--dump-dom`.
const PROBE: &str = r#"<script>
window.addEventListener('load', () => {
  const out = {plots: [], outside: [], overlapping: []};
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.viewBox.baseVal;
    out.plots.push({id: svg.id, series: svg.querySelectorAll('polyline.series').length,
                    legend: svg.querySelectorAll('g.legend').length});
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < 0 || b.y < 0 || b.x + b.width > box.width || b.y + b.height > box.height)
        out.outside.push(svg.id + ': ' + t.textContent);
    }
    const legend = [...svg.querySelectorAll('g.legend')].map(g => g.getBBox());
    legend.forEach((a, i) => legend.slice(i + 1).forEach(b => {
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        out.overlapping.push(svg.id);
    }));
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"#;

#[test]
fn the_report_renders_in_a_browser_with_its_plots_and_labels_in_place() {
    let Some(browser) = chromium() else { return };
    let dir = temp_dir("report-browser");
    std::fs::create_dir_all(dir.path()).unwrap();
    let page = dir.path().join("report.html");
    let o = cli(&[
        "bench",
        "pass-chain",
        "--items",
        "5",
        "--rate",
        "0:300",
        "--ramp",
        "2s",
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let shot = dir.path().join("report.png");
    let (_, log) = open(
        &browser,
        &[&format!("--screenshot={}", shot.display())],
        &page,
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{log}");
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");

    let probed = dir.path().join("probed.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&probed, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let (dom, log) = open(&browser, &["--dump-dom"], &probed);
    let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + 16;
    let end = start + dom[start..].find("</pre>").unwrap();
    let found: Value = serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).unwrap();
    let plots = found["plots"].as_array().unwrap();
    let plot = |id: &str| {
        plots
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("no {id} plot: {found}"))
    };
    // execution and transition latencies; started, ended, failed and the target rate;
    // p50 and p99.
    assert_eq!(plot("percentiles")["series"], 2, "{found}");
    assert_eq!(plot("throughput")["series"], 4, "{found}");
    assert_eq!(plot("latency")["series"], 2, "{found}");
    assert_eq!(plot("throughput")["legend"], 4, "{found}");
    assert_eq!(found["outside"], serde_json::json!([]), "{found}");
    assert_eq!(found["overlapping"], serde_json::json!([]), "{found}");
    assert!(!log.contains("CONSOLE"), "{log}");
}
