//! The load generator behind `sfn bench`: runs a workload's executions against an embedded
//! service, closed-loop (a number of executions open at once) or at a fixed rate, and
//! reports latency percentiles, throughput and peak RSS.
//!
//! Execution latency is timed by the generator, from StartExecution to the end. At a fixed
//! rate it is timed from when the schedule said to start, not from when the start happened:
//! a run that falls behind shows the wait in its latencies instead of hiding it
//! (coordinated omission). States, tasks and Map items are timed by the runtime through
//! an [`crate::runtime::Observer`].

pub mod handlers;
pub mod hgrm;
mod html;
pub mod remote;
pub mod report;
pub mod schedule;
mod settings;
pub mod sign;
pub mod thresholds;
pub mod timeline;
pub mod workloads;

use crate::api::types::{CreateStateMachineInput, RedriveExecutionInput, StartExecutionInput};
use crate::api::StepFunctions;
use crate::metrics::{Kind, Metrics};
use crate::runtime::ExecutionRecord;
use crate::types::ExecutionStatus;
pub use report::{PhaseReport, Report};
pub use settings::Settings;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
pub use workloads::Workload;

/// Told after each execution ends: how many have ended, and how many of them failed.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Runs `workload` as `settings` say.
pub fn run(workload: &Workload, settings: &Settings, progress: Progress) -> Result<Report, String> {
    if settings.concurrency == 0 {
        return Err("--concurrency must be at least 1".into());
    }
    if settings.concurrency > tokio::sync::Semaphore::MAX_PERMITS {
        return Err(format!(
            "--concurrency must be at most {}",
            tokio::sync::Semaphore::MAX_PERMITS
        ));
    }
    let schedule = settings.schedule()?;
    let metrics = Arc::new(Metrics::new());
    let mut builder = StepFunctions::builder()
        .seed(settings.seed)
        .workers(settings.workers)
        .observer(Arc::clone(&metrics) as Arc<dyn crate::runtime::Observer>);
    for (bucket, key, bytes) in &workload.objects {
        builder = builder.object(bucket.clone(), key.clone(), bytes.clone());
    }
    let sfn = handlers::register(builder, settings.seed)
        .build()
        .map_err(|e| format!("the runtime did not start: {e}"))?;
    let arn = sfn
        .create_state_machine(CreateStateMachineInput {
            name: workload.machine_name("bench"),
            definition: workload.definition.to_string(),
            role_arn: workloads::ROLE.into(),
            r#type: Some(workload.machine_type.clone()),
            ..Default::default()
        })
        .map_err(|e| e.to_string())?
        .state_machine_arn;
    let executions = settings.executions_to_start(workload.default_executions);
    let input = workload.input.to_string();
    let (first, records) = drive(
        &sfn,
        &arn,
        &input,
        (executions, workload.redrive, schedule),
        settings,
        &metrics,
        &progress,
    )?;
    let mut phases = vec![first];
    if workload.redrive {
        let failed: Vec<_> = records
            .into_iter()
            .filter(|r| r.status() != ExecutionStatus::SUCCEEDED)
            .collect();
        metrics.reset();
        phases.push(redrive(&sfn, failed, &metrics, &progress)?);
    }
    Ok(Report::new(
        workload,
        settings,
        phases,
        report::peak_rss_bytes(),
    ))
}

/// Runs `executions` executions, started as `schedule` says when there is one, and returns
/// the phase's report, and their records if `keep` (a redrive follows).
fn drive(
    sfn: &StepFunctions,
    arn: &str,
    input: &str,
    (executions, keep, schedule): (u64, bool, Option<schedule::Schedule>),
    settings: &Settings,
    metrics: &Arc<Metrics>,
    progress: &Progress,
) -> Result<(PhaseReport, Vec<Arc<ExecutionRecord>>), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| e.to_string())?;
    let ended = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let length = settings.length();
    let timeline = Arc::new(timeline::Timeline::new(started, schedule.clone()));
    let records = runtime.block_on(async {
        let open = Arc::new(tokio::sync::Semaphore::new(settings.concurrency));
        let mut waiting = tokio::task::JoinSet::new();
        let mut records = Vec::new();
        let mut i: u64 = 0;
        while i < executions {
            if length.is_some_and(|d| started.elapsed() >= d) {
                break;
            }
            let intended = match &schedule {
                Some(schedule) => {
                    let Some(at) = Settings::due(started, schedule, length, i) else {
                        break;
                    };
                    tokio::time::sleep_until(at.into()).await;
                    at
                }
                None => Instant::now(),
            };
            let Ok(permit) = Arc::clone(&open).acquire_owned().await else {
                break;
            };
            let record = sfn
                .start(StartExecutionInput {
                    state_machine_arn: arn.to_string(),
                    input: Some(input.to_string()),
                    ..Default::default()
                })
                .map_err(|e| e.to_string())?;
            timeline.started();
            if keep {
                records.push(Arc::clone(&record));
            }
            let (m, ended, failed, progress, timeline) = (
                Arc::clone(metrics),
                Arc::clone(&ended),
                Arc::clone(&failed),
                Arc::clone(progress),
                Arc::clone(&timeline),
            );
            waiting.spawn(async move {
                record.wait().await;
                let took = intended.elapsed();
                m.record(Kind::Execution, took);
                let unsuccessful = record.status() != ExecutionStatus::SUCCEEDED;
                timeline.ended(took, unsuccessful);
                if unsuccessful {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                let done = ended.fetch_add(1, Ordering::Relaxed) + 1;
                progress(done, failed.load(Ordering::Relaxed));
                drop(permit);
            });
            i += 1;
            // Reap what ended, so a long run does not keep every task.
            while waiting.try_join_next().is_some() {}
        }
        while waiting.join_next().await.is_some() {}
        Ok::<_, String>((records, i))
    })?;
    let (records, started_count) = records;
    let wall = started.elapsed();
    let counts = report::Counts::new(
        started_count,
        ended.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
    );
    let phase = PhaseReport::new("run", wall, counts, metrics).with_timeline(timeline.seconds());
    Ok((phase, records))
}

/// Redrives every execution that did not succeed and waits for them: the second phase of
/// the `redrive` workload.
fn redrive(
    sfn: &StepFunctions,
    failed: Vec<Arc<ExecutionRecord>>,
    metrics: &Arc<Metrics>,
    progress: &Progress,
) -> Result<PhaseReport, String> {
    let started = Instant::now();
    for r in &failed {
        sfn.redrive_execution(RedriveExecutionInput {
            execution_arn: r.execution_arn.to_string(),
            client_token: None,
        })
        .map_err(|e| format!("RedriveExecution {}: {e}", r.execution_arn))?;
    }
    let mut still_failed = 0;
    for (i, r) in failed.iter().enumerate() {
        r.wait_blocking();
        metrics.record(Kind::Execution, started.elapsed());
        if r.status() != ExecutionStatus::SUCCEEDED {
            still_failed += 1;
        }
        progress(i as u64 + 1, still_failed);
    }
    let n = failed.len() as u64;
    let counts = report::Counts::new(n, n, still_failed);
    Ok(PhaseReport::new(
        "redrive",
        started.elapsed(),
        counts,
        metrics,
    ))
}
