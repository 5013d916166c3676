//! The API's use of the durable store: state machines and executions are recorded as they
//! are created, and a service opened on a data directory gets them back: finished
//! executions can be described, listed and redriven; executions that were running when the
//! process died continue from the top-level state they were in (tasks in flight run again:
//! at-least-once).

use super::redrive::{Launch, Start};
use super::service::{StateMachineEntry, StepFunctions};
use crate::api::arn::StateMachineArn;
use crate::asl;
use crate::runtime::mock::{case_from_json, case_to_json};
use crate::runtime::resume::ResumePoint;
use crate::runtime::{ExecutionRecord, ExecutionStatus, StateMachineType};
use crate::store::format::{MachineMeta, Meta};
use crate::store::{entries_to_state, Loaded};
use chrono::DateTime;
use std::sync::Arc;

fn type_code(t: StateMachineType) -> u8 {
    match t {
        StateMachineType::STANDARD => 0,
        StateMachineType::EXPRESS => 1,
    }
}

fn type_of(code: u8) -> StateMachineType {
    if code == 1 {
        StateMachineType::EXPRESS
    } else {
        StateMachineType::STANDARD
    }
}

impl StepFunctions {
    /// Problems found while opening the data directory (each names its file), and later
    /// failures to record.
    pub fn store_errors(&self) -> Vec<String> {
        if let Some(files) = &self.inner.map_run_files {
            for e in files.take_errors() {
                self.store_error(e);
            }
        }
        self.inner
            .store_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn store_error(&self, e: impl std::fmt::Display) {
        self.inner
            .store_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(e.to_string());
    }

    pub(crate) fn persist_machine(&self, e: &StateMachineEntry) {
        let Some(store) = &self.inner.store else {
            return;
        };
        let m = MachineMeta {
            arn: e.arn.to_string(),
            name: e.arn.name.clone(),
            definition: e.definition.clone(),
            role_arn: e.role_arn.clone(),
            machine_type: type_code(e.machine_type),
            creation_date_ms: e.creation_date.timestamp_millis(),
        };
        if let Err(err) = store.save_machine(&m) {
            self.store_error(err);
        }
    }

    pub(crate) fn forget_machine(&self, name: &str) {
        if let Some(store) = &self.inner.store {
            if let Err(err) = store.delete_machine(name) {
                self.store_error(err);
            }
        }
    }

    /// Records a new STANDARD execution and connects its log. EXPRESS executions keep no
    /// history and cannot be redriven, so nothing of them is stored.
    pub(crate) fn persist_start(
        &self,
        record: &ExecutionRecord,
        entry: &StateMachineEntry,
        launch: &Launch,
    ) {
        let Some(store) = &self.inner.store else {
            return;
        };
        if record.machine_type != StateMachineType::STANDARD {
            return;
        }
        let meta = Meta {
            execution_arn: record.execution_arn.clone(),
            state_machine_arn: record.state_machine_arn.clone(),
            state_machine_name: launch.state_machine_name.clone(),
            name: record.name.clone(),
            role_arn: launch.role_arn.clone(),
            machine_type: type_code(record.machine_type),
            definition: entry.definition.clone(),
            input: record.input.to_string(),
            start_date_ms: record.start_date.timestamp_millis(),
            mocks: launch.mocks.as_ref().map(|m| case_to_json(m).to_string()),
        };
        match store.create_execution(&meta) {
            Ok(log) => record.set_journal(Arc::new(log)),
            Err(err) => self.store_error(err),
        }
    }

    /// Takes back what a data directory holds.
    pub(crate) fn restore(&self, loaded: Loaded) {
        for e in loaded.errors {
            self.store_error(e);
        }
        // Map Runs first: executions that continue find the runs they started.
        if let Some(files) = &self.inner.map_run_files {
            self.inner.map_runs.set_store(Arc::clone(files) as _);
            let (runs, errors) = files.load();
            for e in errors {
                self.store_error(e);
            }
            for m in runs {
                self.inner
                    .map_runs
                    .restore(Arc::new(crate::store::record_of(&m)));
            }
        }
        for m in loaded.machines {
            match self.machine_from(&m) {
                Ok(entry) => {
                    self.inner
                        .state_machines
                        .insert(entry.arn.to_string(), Arc::new(entry));
                }
                Err(err) => self.store_error(format!("state machine {}: {err}", m.name)),
            }
        }
        for ex in loaded.executions {
            if let Err(err) = self.restore_execution(ex) {
                self.store_error(err);
            }
        }
        for mut list in self.inner.by_machine.iter_mut() {
            list.sort_by_key(|r| r.start_date);
        }
    }

    fn machine_from(&self, m: &MachineMeta) -> Result<StateMachineEntry, String> {
        let machine = asl::parse_definition(&m.definition).map_err(|r| {
            format!(
                "its definition no longer validates: {:?}",
                r.diagnostics.first()
            )
        })?;
        Ok(StateMachineEntry {
            arn: m
                .arn
                .parse::<StateMachineArn>()
                .map_err(|e| e.to_string())?,
            definition: m.definition.clone(),
            machine: Arc::new(machine),
            role_arn: m.role_arn.clone(),
            machine_type: type_of(m.machine_type),
            creation_date: DateTime::from_timestamp_millis(m.creation_date_ms).unwrap_or_default(),
        })
    }

    fn restore_execution(&self, ex: crate::store::LoadedExecution) -> Result<(), String> {
        let what = |e: String| format!("{}: {e}", ex.dir.display());
        let meta = &ex.meta;
        let machine = asl::parse_definition(&meta.definition)
            .map_err(|_| what("its definition no longer validates".into()))?;
        let input = serde_json::from_str(&meta.input).map_err(|e| what(e.to_string()))?;
        let mocks = match &meta.mocks {
            None => None,
            Some(text) => {
                let v = serde_json::from_str(text).map_err(|e| what(e.to_string()))?;
                Some(case_from_json(&v).map_err(|e| what(e.to_string()))?)
            }
        };
        let record = Arc::new(ExecutionRecord::new(
            meta.execution_arn.clone(),
            meta.state_machine_arn.clone(),
            meta.name.clone(),
            input,
            DateTime::from_timestamp_millis(meta.start_date_ms).unwrap_or_default(),
            type_of(meta.machine_type),
        ));
        let state = entries_to_state(&ex.entries);
        let running = state.ended.is_none();
        *record.mock_calls.lock().unwrap_or_else(|e| e.into_inner()) = state.mock_calls;
        record.with(|p| {
            p.history = state.history;
            p.redrive_count = state.redrive_count;
            p.redrive_date = state.redrive_date;
            p.redrive_tokens = state.redrive_tokens;
            if let Some(end) = state.ended {
                p.status = end.status;
                p.output = end.output;
                p.error = end.error;
                p.cause = end.cause;
                p.stop_date = Some(end.stop_date);
                p.resume = end.resume;
            }
        });
        let store = self.inner.store.as_ref().expect("restoring from a store");
        match store.reopen_log(&ex.dir) {
            Ok(log) => record.set_journal(Arc::new(log)),
            Err(e) => self.store_error(e),
        }
        let launch = Launch {
            machine: Arc::new(machine),
            state_machine_name: meta.state_machine_name.clone(),
            role_arn: meta.role_arn.clone(),
            mocks,
        };
        self.inner
            .launches
            .insert(record.execution_arn.clone(), launch.clone());
        self.inner
            .executions
            .insert(record.execution_arn.clone(), Arc::clone(&record));
        self.inner
            .by_machine
            .entry(record.state_machine_arn.clone())
            .or_default()
            .push(Arc::clone(&record));
        if !running {
            record.mark_done();
            return Ok(());
        }
        // The process died while this execution ran: continue at the top-level state it
        // was in, with the input its Entered event recorded.
        let recovered_fanout = state
            .root_position
            .and_then(|(_, entered)| state.fanouts.get(&entered).cloned());
        let resume = match state.root_position {
            Some((s, entered)) => ResumePoint {
                state: s,
                entered_event: entered,
                fanout: None,
                variables: state.root_variables.clone(),
            },
            None => ResumePoint {
                state: launch.machine.body.start_at,
                entered_event: 0,
                fanout: None,
                variables: Default::default(),
            },
        };
        record.with(|p| p.status = ExecutionStatus::RUNNING);
        self.spawn_execution(
            &record,
            launch,
            Start {
                resume: Some(resume),
                redrive_count: state.redrive_count,
                recovering: Some(recovered_fanout),
            },
        );
        Ok(())
    }
}
