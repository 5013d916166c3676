//! The execution operations: StartExecution, DescribeExecution, ListExecutions,
//! StopExecution, GetExecutionHistory.

use super::error::ApiError;
use super::launch::{Launch, Start};
use super::service::StateMachineEntry;
use super::service::StepFunctions;
use super::types::*;
use crate::runtime::mock::MockCase;
use crate::runtime::ExecutionRecord;
use crate::types::arn::{ExecutionArn, Name, StateMachineArn};
use crate::types::{ExecutionStatus, StateMachineType};
use serde_json::Value;
use std::sync::Arc;

/// A new execution's state machine, record and launch, not started yet.
type Prepared = (Arc<StateMachineEntry>, Arc<ExecutionRecord>, Arc<Launch>);

impl StepFunctions {
    /// StartExecution: starts an execution and answers with its ARN without waiting for it.
    pub fn start_execution(
        &self,
        req: StartExecutionInput,
    ) -> Result<StartExecutionOutput, ApiError> {
        let record = self.start(req)?;
        Ok(StartExecutionOutput {
            execution_arn: record.execution_arn.to_string(),
            start_date: record.start_date,
        })
    }

    /// Starts an execution and returns its record (the library's handle on it).
    pub fn start(&self, req: StartExecutionInput) -> Result<Arc<ExecutionRecord>, ApiError> {
        self.start_with(req, None)
    }

    /// Starts an execution answered by `mocks` (a test case given directly, as the
    /// conformance runner does) instead of the loaded mock config.
    pub fn start_with_mocks(
        &self,
        req: StartExecutionInput,
        mocks: MockCase,
    ) -> Result<Arc<ExecutionRecord>, ApiError> {
        self.start_with(req, Some(mocks))
    }

    fn start_with(
        &self,
        req: StartExecutionInput,
        direct_mocks: Option<MockCase>,
    ) -> Result<Arc<ExecutionRecord>, ApiError> {
        let (entry, record, launch) = self.prepare(req, direct_mocks)?;
        if entry.machine_type == StateMachineType::EXPRESS {
            // AWS keeps no record of an Express execution that a later call could find
            // (its ARN is unique, whatever its name): the caller's handle is all there is,
            // so memory stays flat however many run.
            self.count_start(entry.arn.as_str(), false);
            self.spawn_new(&record, launch);
            return Ok(record);
        }
        let exec_arn = record.execution_arn.shared();
        match self.service.executions.entry(Arc::clone(&exec_arn)) {
            dashmap::Entry::Occupied(existing) => {
                let e = existing.get();
                if self.service.orphans.contains_key(&*exec_arn) {
                    // Nothing runs it: returning it would leave the caller waiting forever.
                    return Err(ApiError::ExecutionAlreadyExists(format!(
                        "Execution Already Exists: '{exec_arn}' (it was RUNNING when the process running it stopped; resume it)"
                    )));
                }
                // AWS: the same name and input while the execution still runs returns it
                // again (STANDARD); anything else is ExecutionAlreadyExists.
                if entry.machine_type == StateMachineType::STANDARD
                    && e.input == record.input
                    && e.status() == ExecutionStatus::RUNNING
                {
                    return Ok(Arc::clone(e));
                }
                return Err(ApiError::ExecutionAlreadyExists(format!(
                    "Execution Already Exists: '{exec_arn}'"
                )));
            }
            dashmap::Entry::Vacant(v) => {
                v.insert(Arc::clone(&record));
            }
        }
        if let Err(e) = self.persist_start(&record, &entry, &launch) {
            self.service.executions.remove(&*exec_arn);
            return Err(e);
        }
        self.service
            .by_machine
            .entry(entry.arn.to_string())
            .or_default()
            .push(Arc::clone(&record));
        self.service.launches.insert(exec_arn, Arc::clone(&launch));
        // Only a start that starts something counts (not a repeat of a running one, nor a
        // refused one).
        self.count_start(entry.arn.as_str(), false);
        self.spawn_new(&record, launch);
        self.retain(&record);
        Ok(record)
    }

    /// A new execution's record and launch, from a request checked as AWS checks it; not
    /// registered or started yet.
    pub(super) fn prepare(
        &self,
        req: StartExecutionInput,
        direct_mocks: Option<MockCase>,
    ) -> Result<Prepared, ApiError> {
        let (sm_arn, test_case) = match req.state_machine_arn.split_once('#') {
            Some((arn, case)) => (arn, Some(case)),
            None => (req.state_machine_arn.as_str(), None),
        };
        let (entry, started_on) = self.start_target(sm_arn)?;
        let name: Name = match &req.name {
            Some(n) => n.parse()?,
            None => uuid::Uuid::new_v4().to_string().parse()?,
        };
        let input_text = req.input.as_deref().unwrap_or("{}");
        if input_text.len() > self.service.payload_limit {
            return Err(ApiError::payload_too_large(
                "input",
                self.service.payload_limit,
            ));
        }
        let input: Value = serde_json::from_str(input_text).map_err(|e| {
            ApiError::InvalidExecutionInput(format!("Invalid execution input: {e}"))
        })?;
        let mocks = match test_case {
            None => direct_mocks,
            Some(case) => {
                let cfg = self
                    .service
                    .mocks
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                let cfg = cfg.ok_or_else(|| {
                    ApiError::ValidationException(format!(
                        "Test case '{case}' was requested but no mock config is loaded"
                    ))
                })?;
                Some(
                    cfg.test_case(entry.arn.name(), case)
                        .map_err(|e| ApiError::ValidationException(e.to_string()))?,
                )
            }
        };
        let arn = match entry.machine_type {
            StateMachineType::EXPRESS => entry.arn.express_execution(name.as_str()),
            StateMachineType::STANDARD => entry.arn.execution(name.as_str()),
        };
        let record = Arc::new(
            ExecutionRecord::new(
                arn,
                entry.arn.clone(),
                name,
                input,
                self.service.clock.now(),
                entry.machine_type,
            )
            .on_version(started_on),
        );
        let launch = match mocks {
            None => entry.launch(),
            Some(mocks) => Arc::new(Launch {
                mocks: Some(mocks),
                environment: Default::default(),
                ..(*entry.launch()).clone()
            }),
        };
        Ok((entry, record, launch))
    }

    /// Tells the observer an execution of `machine` starts (or is redriven).
    pub(super) fn count_start(&self, machine: &str, redrive: bool) {
        if let Some(o) = &self.service.observer {
            o.execution_started(machine, redrive);
        }
    }

    /// Starts a new execution's root actor.
    pub(super) fn spawn_new(&self, record: &Arc<ExecutionRecord>, launch: Arc<Launch>) {
        self.spawn_execution(
            record,
            launch,
            Start {
                resume: None,
                redrive_count: 0,
                recovering: None,
                redrive_announced: false,
            },
        );
    }

    pub(crate) fn execution(&self, arn: &str) -> Result<Arc<ExecutionRecord>, ApiError> {
        let parsed: ExecutionArn = arn.parse()?;
        if parsed.is_express() {
            return Err(ApiError::InvalidArn(
                "Invalid Arn: 'Resource type not valid in this context: express'".into(),
            ));
        }
        let arn_text = parsed.to_string();
        self.service
            .executions
            .get(arn_text.as_str())
            .map(|e| Arc::clone(e.value()))
            .or_else(|| self.service.map_runs.child(&arn_text))
            .or_else(|| self.read_back(&parsed))
            .ok_or_else(|| {
                ApiError::ExecutionDoesNotExist(format!("Execution Does Not Exist: '{arn}'"))
            })
    }

    /// DescribeExecution: an execution's status, input, output, error and whether it can be
    /// redriven.
    pub fn describe_execution(
        &self,
        req: ExecutionArnInput,
    ) -> Result<DescribeExecutionOutput, ApiError> {
        let r = self.execution(&req.execution_arn)?;
        let sm_exists = self
            .service
            .state_machines
            .contains_key(r.state_machine_arn.as_str());
        let mut d = describe_at(
            &r,
            Some(self.service.clock.now()),
            self.service.history_limit,
        );
        let map_run_child = self
            .service
            .map_runs
            .child(r.execution_arn.as_str())
            .is_some();
        if map_run_child && d.redrive_status == "REDRIVABLE" {
            // AWS: a Distributed Map's child is redriven by redriving its parent.
            d.redrive_status = "REDRIVABLE_BY_MAP_RUN".into();
            d.redrive_status_reason = None;
        } else if !sm_exists && d.redrive_status == "REDRIVABLE" {
            d.redrive_status = "NOT_REDRIVABLE".into();
            d.redrive_status_reason = Some(super::redrive::DELETING.into());
        }
        Ok(d)
    }

    /// ListExecutions: a STANDARD state machine's executions, or a Map Run's child executions,
    /// newest first, one page at a time.
    pub fn list_executions(
        &self,
        req: ListExecutionsInput,
    ) -> Result<ListExecutionsOutput, ApiError> {
        if req.state_machine_arn.is_some() && req.map_run_arn.is_some() {
            return Err(both_arns());
        }
        if let Some(sm) = req.state_machine_arn.as_deref() {
            let (entry, _) = self.start_target(sm)?;
            if entry.machine_type == StateMachineType::EXPRESS {
                return Err(ApiError::StateMachineTypeNotSupported(
                    "This operation is not supported by EXPRESS state machines".into(),
                ));
            }
        }
        self.list_kept_executions(req)
    }

    /// The state machine ARNs that have executions in this service, the deleted ones
    /// included (whose executions ListExecutions no longer reaches).
    pub(crate) fn machines_with_executions(&self) -> Vec<String> {
        let mut arns: Vec<String> = self
            .service
            .by_machine
            .iter()
            .map(|e| e.key().clone())
            .collect();
        arns.sort();
        arns
    }

    /// ListExecutions without the check that the state machine still exists.
    pub(crate) fn list_kept_executions(
        &self,
        req: ListExecutionsInput,
    ) -> Result<ListExecutionsOutput, ApiError> {
        let records = match (req.state_machine_arn.as_deref(), req.map_run_arn.as_deref()) {
            (Some(sm), None) => self.executions_of(sm)?,
            (None, Some(run)) => self.map_run_children(run)?,
            (None, None) => {
                return Err(ApiError::ValidationException(
                    "Must provide a StateMachine ARN or MapRun ARN".into(),
                ))
            }
            (Some(_), Some(_)) => return Err(both_arns()),
        };
        let status = match req.status_filter.as_deref() {
            None => None,
            Some(s) => Some(ExecutionStatus::parse(s).ok_or_else(|| {
                ApiError::ValidationException(format!("Invalid statusFilter '{s}'"))
            })?),
        };
        let redriven = match req.redrive_filter.as_deref() {
            None => None,
            Some("REDRIVEN") => Some(true),
            Some("NOT_REDRIVEN") => Some(false),
            Some(s) => {
                return Err(ApiError::ValidationException(format!(
                    "Invalid redriveFilter '{s}': REDRIVEN or NOT_REDRIVEN"
                )))
            }
        };
        let items: Vec<ExecutionListItem> = records
            .iter()
            .filter_map(|r| {
                let p = r.summary();
                let keep = status.is_none_or(|s| s == p.status)
                    && redriven.is_none_or(|want| want == (p.redrive_count > 0));
                keep.then(|| ExecutionListItem {
                    execution_arn: r.execution_arn.to_string(),
                    state_machine_arn: r.state_machine_arn.to_string(),
                    name: r.name.to_string(),
                    status: p.status.as_str().into(),
                    start_date: r.start_date,
                    stop_date: p.stop_date,
                    redrive_count: p.redrive_count,
                    redrive_date: p.redrive_date,
                    state_machine_version_arn: r.started_on.as_ref().map(|o| o.version_arn.clone()),
                    state_machine_alias_arn: r
                        .started_on
                        .as_ref()
                        .and_then(|o| o.alias_arn.clone()),
                })
            })
            .collect();
        let (executions, next_token) =
            super::page::page(items, req.max_results, req.next_token.as_deref())?;
        Ok(ListExecutionsOutput {
            executions,
            next_token,
        })
    }

    /// A state machine's executions, newest first.
    /// The executions of a state machine, or those started on one of its versions or
    /// aliases, newest first.
    fn executions_of(&self, sm: &str) -> Result<Vec<Arc<ExecutionRecord>>, ApiError> {
        let arn: StateMachineArn = sm.parse()?;
        let (machine, qualifier) = arn.qualified();
        let started_on = |r: &ExecutionRecord| match (&qualifier, &r.started_on) {
            (None, _) => true,
            (Some(crate::types::Qualifier::Version(_)), Some(on)) => on.version_arn == arn.as_str(),
            (Some(_), Some(on)) => on.alias_arn.as_deref() == Some(arn.as_str()),
            (Some(_), None) => false,
        };
        Ok(self
            .service
            .by_machine
            .get(machine.as_str())
            .map(|v| v.iter().rev().filter(|r| started_on(r)).cloned().collect())
            .unwrap_or_default())
    }

    /// StopExecution: a running execution ends ABORTED; one that already ended is left as
    /// it is.
    pub fn stop_execution(&self, req: StopExecutionInput) -> Result<StopExecutionOutput, ApiError> {
        let r = self.execution(&req.execution_arn)?;
        if !self.stop_orphan(&r, req.error.clone(), req.cause.clone())?
            && r.stop(req.error, req.cause)
        {
            r.wait_blocking();
        }
        Ok(StopExecutionOutput {
            stop_date: r
                .summary()
                .stop_date
                .unwrap_or_else(|| self.service.clock.now()),
        })
    }

    /// GetExecutionHistory: an execution's history events in AWS's JSON shape, one page at a
    /// time.
    pub fn get_execution_history(
        &self,
        req: GetExecutionHistoryInput,
    ) -> Result<GetExecutionHistoryOutput, ApiError> {
        let r = self.execution(&req.execution_arn)?;
        let mut events: Vec<Value> =
            r.with_progress(|p| p.history.iter().map(|e| e.to_json()).collect());
        if req.reverse_order {
            events.reverse();
        }
        let (events, next_token) =
            super::page::page(events, req.max_results, req.next_token.as_deref())?;
        Ok(GetExecutionHistoryOutput { events, next_token })
    }
}

/// ListExecutions is asked for two lists at once.
fn both_arns() -> ApiError {
    ApiError::ValidationException(
        "Must provide either a StateMachine ARN or a MapRun ARN, not both".into(),
    )
}

/// DescribeExecution's view of a record.
pub fn describe(r: &ExecutionRecord) -> DescribeExecutionOutput {
    describe_at(r, None, crate::runtime::config::DEFAULT_HISTORY_LIMIT)
}

/// DescribeExecution with redrive eligibility judged at `now` (the service's clock).
pub(crate) fn describe_at(
    r: &ExecutionRecord,
    now: Option<chrono::DateTime<chrono::Utc>>,
    history_limit: usize,
) -> DescribeExecutionOutput {
    let p = r.summary();
    let reason = super::redrive::not_redrivable(r, &p, now, history_limit);
    DescribeExecutionOutput {
        execution_arn: r.execution_arn.to_string(),
        state_machine_arn: r.state_machine_arn.to_string(),
        name: r.name.to_string(),
        status: p.status.as_str().into(),
        start_date: r.start_date,
        stop_date: p.stop_date,
        input: r.input.to_string(),
        output: r.output_text(),
        error: p.error,
        cause: p.cause,
        redrive_count: p.redrive_count,
        redrive_date: p.redrive_date,
        redrive_status: if reason.is_some() {
            "NOT_REDRIVABLE"
        } else {
            "REDRIVABLE"
        }
        .into(),
        redrive_status_reason: reason.map(String::from),
        state_machine_version_arn: r.started_on.as_ref().map(|o| o.version_arn.clone()),
        state_machine_alias_arn: r.started_on.as_ref().and_then(|o| o.alias_arn.clone()),
    }
}
