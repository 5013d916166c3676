//! A progress bar on stderr while a long Map Run runs: items done and failed, rate, ETA.
//! Drawn only on a terminal (indicatif hides it otherwise), so piped output stays clean.

use crate::api::types::{DescribeMapRunInput, ListMapRunsInput};
use crate::api::StepFunctions;
use crate::runtime::ExecutionRecord;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// Map Runs smaller than this finish too fast to be worth a bar.
const MIN_ITEMS: u64 = 10_000;

/// Waits for the execution to end, showing the progress of its newest running Map Run.
pub fn wait_with_progress(sfn: &StepFunctions, record: &ExecutionRecord) {
    let mut bar: Option<(String, ProgressBar)> = None;
    while !record.is_done() {
        std::thread::sleep(Duration::from_millis(100));
        let Ok(runs) = sfn.list_map_runs(ListMapRunsInput {
            execution_arn: record.execution_arn.to_string(),
            max_results: Some(1),
            next_token: None,
        }) else {
            continue;
        };
        let Some(run) = runs.map_runs.first() else {
            continue;
        };
        let Ok(d) = sfn.describe_map_run(DescribeMapRunInput {
            map_run_arn: run.map_run_arn.clone(),
        }) else {
            continue;
        };
        let items = d.item_counts;
        if items.total < MIN_ITEMS {
            continue;
        }
        if bar.as_ref().is_none_or(|(arn, _)| *arn != d.map_run_arn) {
            if let Some((_, old)) = bar.take() {
                old.finish();
            }
            let b = ProgressBar::new(items.total);
            b.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} items ({msg}) {per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar = Some((d.map_run_arn.clone(), b));
        }
        if let Some((_, b)) = &bar {
            let ended = items.succeeded + items.failed + items.timed_out + items.aborted;
            b.set_position(ended);
            b.set_message(format!(
                "{} failed, {} running",
                items.failed, items.running
            ));
        }
    }
    if let Some((_, b)) = bar {
        b.finish();
    }
}
