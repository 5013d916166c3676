//! The API's use of the durable store: state machines and executions are recorded as they
//! are created, and a service opened on a data directory gets them back: finished
//! executions can be described, listed and redriven; executions that were running when the
//! process died continue from the top-level state they were in (tasks in flight run again:
//! at-least-once), at once or when [`StepFunctions::resume_execution`] names them.
//!
//! A start or a state machine that cannot be recorded is refused (`InternalFailure`), and a
//! later failure to record is kept on the execution ([`ExecutionRecord::journal_error`]):
//! nothing is reported as kept that was not.

use super::error::ApiError;
use super::launch::{Continue, Launch, Orphan};
use super::service::{StateMachineEntry, StepFunctions};
use crate::asl;
use crate::runtime::mock::{case_from_json, case_to_json};
use crate::runtime::ExecutionRecord;
use crate::store::format::{Entry, MachineMeta, Meta};
use crate::store::{entries_to_state, Loaded, StoreError};
use crate::types::arn::{ArnError, StateMachineArn};
use crate::types::ResumePoint;
use crate::types::StateMachineType;
use chrono::DateTime;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

fn internal(e: StoreError) -> ApiError {
    ApiError::InternalFailure(format!("The data directory could not record it: {e}"))
}

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
        if let Some(files) = &self.service.map_run_files {
            for e in files.take_errors() {
                self.store_error(e);
            }
        }
        self.service
            .store_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn store_error(&self, e: impl std::fmt::Display) {
        self.service
            .store_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(e.to_string());
    }

    pub(crate) fn persist_machine(&self, e: &StateMachineEntry) -> Result<(), ApiError> {
        let Some(store) = &self.service.store else {
            return Ok(());
        };
        let m = MachineMeta {
            arn: e.arn.to_string(),
            name: e.arn.name().to_string(),
            definition: e.definition.to_string(),
            role_arn: e.role_arn.clone(),
            machine_type: type_code(e.machine_type),
            creation_date_ms: e.creation_date.timestamp_millis(),
        };
        store.save_machine(&m).map_err(internal)
    }

    pub(crate) fn forget_machine(&self, arn: &StateMachineArn) {
        if let Some(store) = &self.service.store {
            if let Err(err) = store.delete_machine(arn.name(), arn.as_str()) {
                self.store_error(err);
            }
        }
    }

    /// Records a new STANDARD execution (and the version it was started on) and connects
    /// its log. EXPRESS executions keep no history and cannot be redriven, so nothing of
    /// them is stored. A name another start recorded first is `ExecutionAlreadyExists`.
    pub(crate) fn persist_start(
        &self,
        record: &ExecutionRecord,
        entry: &StateMachineEntry,
        launch: &Launch,
    ) -> Result<(), ApiError> {
        let Some(store) = &self.service.store else {
            return Ok(());
        };
        if record.machine_type != StateMachineType::STANDARD {
            return Ok(());
        }
        let meta = Meta {
            execution_arn: record.execution_arn.to_string(),
            state_machine_arn: record.state_machine_arn.to_string(),
            state_machine_name: launch.state_machine_name.to_string(),
            name: record.name.to_string(),
            role_arn: launch.role_arn.to_string(),
            machine_type: type_code(record.machine_type),
            definition: entry.definition.to_string(),
            input: record.input.to_string(),
            start_date_ms: record.start_date.timestamp_millis(),
            mocks: launch.mocks.as_ref().map(|m| case_to_json(m).to_string()),
        };
        // What a resume by a later process needs to find the same objects.
        let first: Vec<Entry> = self
            .service
            .objects_root
            .iter()
            .map(|root| Entry::Objects {
                root: root.to_string_lossy().into_owned(),
            })
            .collect();
        let log = store.create_execution(&meta, &first).map_err(|e| match e {
            StoreError::AlreadyExists { .. } => ApiError::ExecutionAlreadyExists(format!(
                "Execution Already Exists: '{}'",
                record.execution_arn
            )),
            other => internal(other),
        })?;
        record.set_journal(Arc::new(log));
        match &record.started_on {
            Some(on) => self.persist_resource(
                super::resources::kind::STARTED_ON,
                record.execution_arn.as_str(),
                on,
            ),
            None => Ok(()),
        }
    }

    /// Opens the log of an execution restored without it, before it writes again.
    pub(crate) fn connect_log(
        &self,
        record: &ExecutionRecord,
        launch: &Launch,
    ) -> Result<(), ApiError> {
        if record.journal().is_some() {
            return Ok(());
        }
        let (Some(store), Some((dir, valid_len))) = (&self.service.store, &launch.stored_log)
        else {
            return Ok(());
        };
        let log = store.reopen_log(dir, *valid_len).map_err(internal)?;
        record.set_journal(Arc::new(log));
        Ok(())
    }

    /// Takes back what a data directory holds; RUNNING executions continue if `resume`.
    pub(crate) fn restore(&self, loaded: Loaded, resume: bool) {
        for e in loaded.errors {
            self.store_error(e);
        }
        // Map Runs first: executions that continue find the runs they started.
        if let Some(files) = &self.service.map_run_files {
            if resume || !self.is_read_only() {
                self.service.map_runs.set_store(Arc::clone(files) as _);
            }
            let (runs, errors) = files.load();
            for e in errors {
                self.store_error(e);
            }
            for run in runs {
                self.service.map_runs.restore(Arc::new(run));
            }
        }
        self.restore_activities();
        self.restore_tags();
        for m in loaded.machines {
            match self.machine_from(&m) {
                Ok(entry) => {
                    self.service
                        .state_machines
                        .insert(entry.arn.to_string(), Arc::new(entry));
                }
                Err(err) => self.store_error(format!("state machine {}: {err}", m.name)),
            }
        }
        self.restore_lost_machines(&loaded.executions, &loaded.deleted_machines);
        self.restore_versions();
        self.restore_aliases();
        let started_on: HashMap<String, crate::runtime::StartedOn> = self
            .load_resources(super::resources::kind::STARTED_ON)
            .into_iter()
            .collect();
        let mut executions = loaded.executions;
        executions.sort_by_key(|e| e.meta.start_date_ms);
        for ex in executions {
            if let Err(err) = self.restore_execution(ex, resume, &started_on, true) {
                self.store_error(err);
            }
        }
    }

    /// A state machine whose file is missing or damaged (and that was not deleted) comes
    /// back as its newest execution ran it, so its executions stay listed and redrivable.
    fn restore_lost_machines(
        &self,
        executions: &[crate::store::LoadedExecution],
        deleted: &[String],
    ) {
        let deleted: HashSet<&str> = deleted.iter().map(String::as_str).collect();
        let mut newest: HashMap<&str, &Meta> = HashMap::new();
        for ex in executions {
            let arn = ex.meta.state_machine_arn.as_str();
            if self.service.state_machines.contains_key(arn) || deleted.contains(arn) {
                continue;
            }
            let e = newest.entry(arn).or_insert(&ex.meta);
            if ex.meta.start_date_ms > e.start_date_ms {
                *e = &ex.meta;
            }
        }
        for (arn, meta) in newest {
            let m = MachineMeta {
                arn: arn.to_string(),
                name: meta.state_machine_name.clone(),
                definition: meta.definition.clone(),
                role_arn: meta.role_arn.clone(),
                machine_type: meta.machine_type,
                creation_date_ms: meta.start_date_ms,
            };
            match self.machine_from(&m) {
                Ok(entry) => {
                    self.store_error(format!(
                        "state machine {}: its file is missing or unreadable; it was taken from execution {}",
                        m.name, meta.execution_arn
                    ));
                    self.service
                        .state_machines
                        .insert(arn.to_string(), Arc::new(entry));
                }
                Err(err) => self.store_error(format!("state machine {}: {err}", m.name)),
            }
        }
    }

    fn is_read_only(&self) -> bool {
        self.service.store.as_ref().is_none_or(|s| s.is_read_only())
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
            definition: m.definition.as_str().into(),
            machine: Arc::new(machine),
            role_arn: m.role_arn.clone(),
            machine_type: type_of(m.machine_type),
            creation_date: DateTime::from_timestamp_millis(m.creation_date_ms).unwrap_or_default(),
            revision_id: None,
            update_date: None,
            launch: Default::default(),
        })
    }

    /// The object store an execution recorded, where it is not the service's and the
    /// service was not given one explicitly.
    fn recorded_objects(
        &self,
        entries: &[Entry],
    ) -> Result<Option<Arc<dyn crate::objects::ObjectStore>>, String> {
        let recorded = entries.iter().find_map(|e| match e {
            Entry::Objects { root } => Some(std::path::PathBuf::from(root)),
            _ => None,
        });
        match recorded {
            Some(root)
                if !self.service.objects_explicit
                    && self.service.objects_root.as_ref() != Some(&root) =>
            {
                let store: Arc<dyn crate::objects::ObjectStore> =
                    if self.is_read_only() {
                        Arc::new(crate::objects::DirStore::at(root))
                    } else {
                        Arc::new(crate::objects::DirStore::open(&root).map_err(|e| {
                            format!("its objects directory {}: {e}", root.display())
                        })?)
                    };
                Ok(Some(store))
            }
            _ => Ok(None),
        }
    }

    /// An ended execution the retention forgot, read back (not listed again: the list
    /// keeps start order).
    pub(crate) fn restore_forgotten(&self, ex: crate::store::LoadedExecution) -> Option<()> {
        let arn = &ex.meta.execution_arn;
        let started_on: HashMap<String, crate::runtime::StartedOn> = self
            .load_resource(super::resources::kind::STARTED_ON, arn)
            .map(|on| (arn.clone(), on))
            .into_iter()
            .collect();
        self.restore_execution(ex, false, &started_on, false).ok()
    }

    fn restore_execution(
        &self,
        ex: crate::store::LoadedExecution,
        resume: bool,
        started_on: &HashMap<String, crate::runtime::StartedOn>,
        listed: bool,
    ) -> Result<(), String> {
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
        let arn = meta
            .execution_arn
            .parse()
            .map_err(|e: ArnError| what(e.to_string()))?;
        let machine_arn = meta
            .state_machine_arn
            .parse()
            .map_err(|e: ArnError| what(e.to_string()))?;
        let name = meta
            .name
            .parse()
            .map_err(|e: ArnError| what(e.to_string()))?;
        let record = Arc::new(
            ExecutionRecord::new(
                arn,
                machine_arn,
                name,
                input,
                DateTime::from_timestamp_millis(meta.start_date_ms).unwrap_or_default(),
                type_of(meta.machine_type),
            )
            .on_version(started_on.get(&meta.execution_arn).cloned()),
        );
        let state = entries_to_state(&ex.entries);
        let running = state.ended.is_none();
        *record.mock_calls.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Box::new(state.mock_calls));
        record.with_progress(|p| {
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
                p.resume = end.resume.map(Box::new);
            }
        });
        let launch = Arc::new(Launch {
            machine: Arc::new(machine),
            definition: meta.definition.as_str().into(),
            revision: None,
            state_machine_name: meta.state_machine_name.as_str().into(),
            role_arn: meta.role_arn.as_str().into(),
            mocks,
            objects: self.recorded_objects(&ex.entries).map_err(what)?,
            stored_log: Some((ex.dir.clone(), ex.valid_len)),
            environment: Default::default(),
        });
        self.service
            .launches
            .insert(record.execution_arn.shared(), Arc::clone(&launch));
        self.service
            .executions
            .insert(record.execution_arn.shared(), Arc::clone(&record));
        if listed {
            self.service
                .by_machine
                .entry(record.state_machine_arn.to_string())
                .or_default()
                .push(Arc::clone(&record));
        }
        if !running {
            record.mark_done();
            return Ok(());
        }
        // The process died while this execution ran: it continues at the top-level state
        // it was in, with the input its Entered event recorded.
        let orphan = match state.redrive_pending {
            Some((resume, announced)) => Orphan {
                resume,
                redrive_count: state.redrive_count,
                how: Continue::Redrive { announced },
            },
            None => Orphan {
                resume: match state.root_position {
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
                },
                redrive_count: state.redrive_count,
                how: Continue::Inside(
                    state
                        .root_position
                        .and_then(|(_, entered)| state.fanouts.get(&entered).cloned()),
                ),
            },
        };
        if resume {
            self.continue_orphan(&record, launch, orphan)
                .map_err(|e| what(e.message().to_string()))?;
        } else {
            self.service
                .orphans
                .insert(record.execution_arn.to_string(), orphan);
        }
        Ok(())
    }
}
