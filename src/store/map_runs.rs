//! Map Runs in the data directory: one archive per run, rewritten whole (crash-safely) when
//! the run starts, ends, is redriven or is updated. A service opening the directory lists
//! and describes them, and a redrive or a restart continues them under the same ARN.

use super::error::StoreError;
use super::files::{read_single, write_whole};
use super::format::{MapRunMeta, WriterMeta};
use crate::interpret::result_writer::{OutputType, Transformation, WriterRequest};
use crate::runtime::map_run::MapRunStore;
use crate::runtime::map_run::{MapRunRecord, MapRunStart};
use crate::types::{ArnError, StateMachineType};
use crate::types::{MapRunConfig, MapRunCounts, MapRunProgress, MapRunStatus};
use chrono::{DateTime, TimeZone, Utc};
use std::path::PathBuf;
use std::sync::Mutex;

/// The `map-runs` directory of a data directory.
#[derive(Debug)]
pub struct MapRunFiles {
    dir: PathBuf,
    read_only: bool,
    /// Runs that could not be written, for the service to report.
    errors: Mutex<Vec<String>>,
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn counts_to(c: &MapRunCounts) -> [u64; 10] {
    [
        c.pending,
        c.running,
        c.succeeded,
        c.failed,
        c.timed_out,
        c.aborted,
        c.total,
        c.results_written,
        c.failures_not_redrivable,
        c.pending_redrive,
    ]
}

fn counts_from(a: &[u64; 10]) -> MapRunCounts {
    MapRunCounts {
        pending: a[0],
        running: a[1],
        succeeded: a[2],
        failed: a[3],
        timed_out: a[4],
        aborted: a[5],
        total: a[6],
        results_written: a[7],
        failures_not_redrivable: a[8],
        pending_redrive: a[9],
    }
}

fn status_from(s: &str) -> MapRunStatus {
    match s {
        "SUCCEEDED" => MapRunStatus::SUCCEEDED,
        "FAILED" => MapRunStatus::FAILED,
        "ABORTED" => MapRunStatus::ABORTED,
        _ => MapRunStatus::RUNNING,
    }
}

fn meta_of(run: &MapRunRecord) -> MapRunMeta {
    let p = run.progress();
    MapRunMeta {
        map_run_arn: run.map_run_arn.to_string(),
        execution_arn: run.execution_arn.to_string(),
        state_machine_arn: run.state_machine_arn.to_string(),
        state_name: run.state_name.clone(),
        execution_type: u8::from(run.execution_type == StateMachineType::EXPRESS),
        start_date_ms: ms(run.start_date),
        status: p.status.as_str().into(),
        stop_date_ms: p.stop_date.map(ms),
        max_concurrency: p.config.max_concurrency,
        tolerated_failure_percentage: p.config.tolerated_failure_percentage,
        tolerated_failure_count: p.config.tolerated_failure_count,
        items: counts_to(&p.items),
        executions: counts_to(&p.executions),
        redrive_count: p.redrive_count,
        redrive_date_ms: p.redrive_date.map(ms),
        batch_sizes: run.batch_sizes.clone(),
        writer: run.writer.as_ref().map(|w| WriterMeta {
            destination: w.destination.clone(),
            transformation: match w.transformation {
                Transformation::None => 0,
                Transformation::Compact => 1,
                Transformation::Flatten => 2,
            },
            output_type: u8::from(w.output_type == OutputType::Jsonl),
        }),
    }
}

/// The run a kept archive describes, or why its ARNs are not ones.
fn record_of(m: &MapRunMeta) -> Result<MapRunRecord, ArnError> {
    let execution_type = match m.execution_type {
        1 => StateMachineType::EXPRESS,
        _ => StateMachineType::STANDARD,
    };
    let config = MapRunConfig {
        max_concurrency: m.max_concurrency,
        tolerated_failure_percentage: m.tolerated_failure_percentage,
        tolerated_failure_count: m.tolerated_failure_count,
    };
    let run = MapRunRecord::new(MapRunStart {
        map_run_arn: m.map_run_arn.parse()?,
        execution_arn: m.execution_arn.parse()?,
        state_machine_arn: m.state_machine_arn.parse()?,
        start_date: time(m.start_date_ms),
        execution_type,
        state_name: m.state_name.clone(),
        config,
        writer: m.writer.as_ref().map(|w| WriterRequest {
            destination: w.destination.clone(),
            transformation: match w.transformation {
                1 => Transformation::Compact,
                2 => Transformation::Flatten,
                _ => Transformation::None,
            },
            output_type: match w.output_type {
                1 => OutputType::Jsonl,
                _ => OutputType::Json,
            },
        }),
        total_items: m.items[6],
        total_executions: m.executions[6],
        batch_sizes: m.batch_sizes.clone(),
    });
    run.restore_progress(MapRunProgress {
        status: status_from(&m.status),
        stop_date: m.stop_date_ms.map(time),
        config,
        items: counts_from(&m.items),
        executions: counts_from(&m.executions),
        redrive_count: m.redrive_count,
        redrive_date: m.redrive_date_ms.map(time),
    });
    Ok(run)
}

impl MapRunFiles {
    pub(super) fn open(dir: PathBuf, read_only: bool) -> Result<Self, StoreError> {
        if !read_only {
            std::fs::create_dir_all(&dir).map_err(super::files::io(&dir))?;
            super::files::real_dir(&dir)?;
        }
        Ok(MapRunFiles {
            dir,
            read_only,
            errors: Mutex::new(Vec::new()),
        })
    }

    fn path_of(&self, map_run_arn: &str) -> PathBuf {
        // The run's id (after the last `:`) is a UUID: a safe file name.
        let id: String = map_run_arn
            .rsplit(':')
            .next()
            .unwrap_or(map_run_arn)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        self.dir.join(format!("{id}.rkyv"))
    }

    /// Every run kept, and what could not be read.
    pub fn load(&self) -> (Vec<MapRunRecord>, Vec<StoreError>) {
        let (mut runs, mut errors) = (Vec::new(), Vec::new());
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&self.dir) {
            Ok(d) => d.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (runs, errors),
            Err(e) => {
                errors.push(super::files::io(&self.dir)(e));
                return (runs, errors);
            }
        };
        paths.sort();
        for path in paths {
            if path.extension().and_then(|e| e.to_str()) != Some("rkyv") {
                continue;
            }
            match read_single::<MapRunMeta>(&path) {
                Ok(m) => match record_of(&m) {
                    Ok(run) => runs.push(run),
                    Err(e) => errors.push(StoreError::Corrupt {
                        path,
                        reason: e.to_string(),
                    }),
                },
                Err(e) => errors.push(e),
            }
        }
        (runs, errors)
    }

    /// What could not be written so far (taken).
    pub fn take_errors(&self) -> Vec<String> {
        std::mem::take(&mut *self.errors.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl MapRunStore for MapRunFiles {
    fn save(&self, run: &MapRunRecord) {
        let path = self.path_of(run.map_run_arn.as_str());
        let saved = if self.read_only {
            Err(StoreError::ReadOnly { path })
        } else {
            write_whole(&path, &meta_of(run))
        };
        if let Err(e) = saved {
            self.errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(e.to_string());
        }
    }
}
