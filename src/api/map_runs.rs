//! DescribeMapRun, ListMapRuns and UpdateMapRun, and ListExecutions by `mapRunArn`: the
//! Map Runs that Distributed Map states start and their child executions.

use super::error::ApiError;
use super::service::StepFunctions;
use super::types::*;
use crate::runtime::{ExecutionRecord, MapRunRecord};
use crate::types::arn::{ExecutionArn, MapRunArn};
use crate::types::StateMachineType;
use std::sync::Arc;

impl StepFunctions {
    pub(crate) fn map_run(&self, arn: &str) -> Result<Arc<MapRunRecord>, ApiError> {
        let parsed: MapRunArn = arn.parse()?;
        self.service
            .map_runs
            .get(parsed.as_str())
            .ok_or_else(|| ApiError::ResourceNotFound(format!("Resource not found: '{arn}'")))
    }

    /// DescribeMapRun: a Map Run's status, limits, item and execution counts, and redrives.
    pub fn describe_map_run(
        &self,
        req: DescribeMapRunInput,
    ) -> Result<DescribeMapRunOutput, ApiError> {
        let run = self.map_run(&req.map_run_arn)?;
        let p = run.progress();
        Ok(DescribeMapRunOutput {
            map_run_arn: run.map_run_arn.to_string(),
            execution_arn: run.execution_arn.to_string(),
            status: p.status.as_str().into(),
            start_date: run.start_date,
            stop_date: p.stop_date,
            max_concurrency: p.config.max_concurrency,
            tolerated_failure_percentage: p.config.tolerated_failure_percentage.unwrap_or(0.0),
            tolerated_failure_count: p.config.tolerated_failure_count.unwrap_or(0),
            item_counts: p.items,
            execution_counts: p.executions,
            redrive_count: p.redrive_count,
            redrive_date: p.redrive_date,
        })
    }

    /// ListMapRuns: the Map Runs an execution started, newest first, one page at a time.
    pub fn list_map_runs(&self, req: ListMapRunsInput) -> Result<ListMapRunsOutput, ApiError> {
        let arn: ExecutionArn = req.execution_arn.parse()?;
        // The execution must exist (a top-level one, or a child execution).
        self.execution(arn.as_str())?;
        let items = self
            .service
            .map_runs
            .of_execution(arn.as_str())
            .into_iter()
            .rev()
            .map(|r| MapRunListItem {
                execution_arn: r.execution_arn.to_string(),
                map_run_arn: r.map_run_arn.to_string(),
                state_machine_arn: r.state_machine_arn.to_string(),
                start_date: r.start_date,
                stop_date: r.progress().stop_date,
            })
            .collect();
        let (map_runs, next_token) =
            super::page::page(items, req.max_results, req.next_token.as_deref())?;
        Ok(ListMapRunsOutput {
            map_runs,
            next_token,
        })
    }

    /// UpdateMapRun: the new limits apply at once to the running Map Run.
    pub fn update_map_run(&self, req: UpdateMapRunInput) -> Result<(), ApiError> {
        let run = self.map_run(&req.map_run_arn)?;
        if req.max_concurrency.is_none()
            && req.tolerated_failure_percentage.is_none()
            && req.tolerated_failure_count.is_none()
        {
            return Err(ApiError::ValidationException(
                "At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be given".into(),
            ));
        }
        let max_concurrency = match req.max_concurrency {
            None => None,
            // The model's MaxConcurrency: an integer, at least 0.
            Some(m) if (0..=i64::from(i32::MAX)).contains(&m) => Some(m as u32),
            Some(m) => {
                let constraint = if m < 0 {
                    "greater than or equal to 0".to_string()
                } else {
                    format!("less than or equal to {}", i32::MAX)
                };
                return Err(ApiError::ValidationException(format!(
                    "1 validation error detected: Value '{m}' at 'maxConcurrency' failed to satisfy constraint: Member must have value {constraint}"
                )));
            }
        };
        if let Some(p) = req.tolerated_failure_percentage {
            if !(0.0..=100.0).contains(&p) {
                return Err(ApiError::ValidationException(format!(
                    "toleratedFailurePercentage must be between 0 and 100, got {p}"
                )));
            }
        }
        let count = match req.tolerated_failure_count {
            None => None,
            Some(c) if c >= 0 => Some(c as u64),
            Some(c) => {
                return Err(ApiError::ValidationException(format!(
                    "toleratedFailureCount must be at least 0, got {c}"
                )))
            }
        };
        if run.update(max_concurrency, req.tolerated_failure_percentage, count) {
            Ok(())
        } else {
            Err(ApiError::ValidationException(format!(
                "Map Run '{}' is not running",
                run.map_run_arn
            )))
        }
    }

    /// The STANDARD child executions of a Map Run, newest first (ListExecutions by
    /// `mapRunArn`).
    pub(crate) fn map_run_children(
        &self,
        map_run_arn: &str,
    ) -> Result<Vec<Arc<ExecutionRecord>>, ApiError> {
        let run = self.map_run(map_run_arn)?;
        if run.execution_type == StateMachineType::EXPRESS {
            return Err(ApiError::StateMachineTypeNotSupported(
                "This operation is not supported by EXPRESS state machines".into(),
            ));
        }
        Ok(run.children().into_iter().rev().collect())
    }
}
