//! A progress bar on stderr while a long Map Run runs: items done and failed, rate, ETA.
//! Drawn only on a terminal (indicatif hides it otherwise), so piped output stays clean.

use crate::api::types::{DescribeMapRunInput, ListMapRunsInput};
use crate::api::StepFunctions;
use crate::runtime::ExecutionRecord;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

/// Map Runs smaller than this finish too fast to be worth a bar.
const MIN_ITEMS: u64 = 10_000;

/// Waits for the execution to end, showing the progress of its newest running Map Run.
/// The end wakes the wait at once; the bar is redrawn every 100 ms until then.
pub fn wait_with_progress(sfn: &StepFunctions, record: &ExecutionRecord) {
    let mut bar: Option<(String, ProgressBar)> = None;
    std::thread::scope(|s| {
        let (ended, end) = std::sync::mpsc::channel();
        s.spawn(move || {
            record.wait_blocking();
            let _ = ended.send(());
        });
        while let Err(RecvTimeoutError::Timeout) = end.recv_timeout(Duration::from_millis(100)) {
            draw(sfn, record, &mut bar);
        }
    });
    if let Some((_, b)) = bar {
        b.finish();
    }
}

/// Draws the newest Map Run's progress, once it has enough items to be worth a bar.
fn draw(sfn: &StepFunctions, record: &ExecutionRecord, bar: &mut Option<(String, ProgressBar)>) {
    let Ok(runs) = sfn.list_map_runs(ListMapRunsInput {
        execution_arn: record.execution_arn.to_string(),
        max_results: Some(1),
        next_token: None,
    }) else {
        return;
    };
    let Some(run) = runs.map_runs.first() else {
        return;
    };
    let Ok(d) = sfn.describe_map_run(DescribeMapRunInput {
        map_run_arn: run.map_run_arn.clone(),
    }) else {
        return;
    };
    let items = d.item_counts;
    if items.total < MIN_ITEMS {
        return;
    }
    if bar.as_ref().is_none_or(|(arn, _)| *arn != d.map_run_arn) {
        if let Some((_, old)) = bar.take() {
            old.finish();
        }
        let b = ProgressBar::new(items.total);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} items ({msg}) {per_sec} ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        *bar = Some((d.map_run_arn.clone(), b));
    }
    if let Some((_, b)) = bar.as_ref() {
        let ended = items.succeeded + items.failed + items.timed_out + items.aborted;
        b.set_position(ended);
        b.set_message(format!(
            "{} failed, {} running",
            items.failed, items.running
        ));
    }
}
