//! [`StepFunctions`]: the in-process control plane and the state machine operations. The
//! builder is in `builder.rs`, execution operations in `executions.rs`. Execution operations are in `executions.rs`.

use super::error::ApiError;
use super::launch::{Launch, Orphan};
use super::types::*;
use crate::asl::{self, StateMachine};
use crate::runtime::mock::MockConfig;
use crate::runtime::Config;
use crate::runtime::{Clock, ExecutionRecord, HandlerRegistry, Runtime};
use crate::types::arn::{Name, StateMachineArn};
use crate::types::StateMachineType;
use dashmap::DashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};

pub use super::records::StateMachineEntry;

/// The Step Functions service, in process. Cheap to clone.
#[derive(Clone)]
pub struct StepFunctions {
    pub(crate) service: Arc<ServiceState>,
}

/// The service's state; its settings are read through it from the [`Config`].
pub(crate) struct ServiceState {
    pub(crate) config: Arc<Config>,
    pub(crate) runtime: Runtime,
    pub(crate) seed: AtomicU64,
    pub(crate) state_machines: DashMap<String, Arc<StateMachineEntry>>,
    pub(crate) executions: DashMap<Arc<str>, Arc<ExecutionRecord>>,
    /// Executions per state machine ARN, in start order (for ListExecutions).
    pub(crate) by_machine: DashMap<String, Vec<Arc<ExecutionRecord>>>,
    /// What each execution was started with, so a redrive runs the same definition
    /// version with the same mocks.
    pub(crate) launches: DashMap<Arc<str>, Arc<Launch>>,
    pub(crate) mocks: RwLock<Option<Arc<MockConfig>>>,
    /// The data directory, when the service is durable.
    pub(crate) store: Option<crate::store::DiskStore>,
    pub(crate) store_errors: std::sync::Mutex<Vec<String>>,
    /// Where Map Runs are kept, with a data directory.
    pub(crate) map_run_files: Option<Arc<crate::store::MapRunFiles>>,
    pub(crate) map_runs: Arc<crate::runtime::MapRuns>,
    /// The object store behind `s3://` URIs.
    pub(crate) objects: Arc<dyn crate::objects::ObjectStore>,
    /// Its folder, when it is one: recorded with each execution, so that a resume or a
    /// redrive by a later process reads and writes the same objects.
    pub(crate) objects_root: Option<std::path::PathBuf>,
    /// Whether `objects_root` was given explicitly (it then wins over a recorded one).
    pub(crate) objects_explicit: bool,
    /// Executions found RUNNING in the data directory and not continued (the builder said
    /// so): where each would continue, until [`StepFunctions::resume_execution`].
    pub(crate) orphans: DashMap<String, Orphan>,
    /// The activities, by ARN.
    pub(crate) activities: DashMap<String, super::records::ActivityEntry>,
    /// The tags of state machines and activities, by ARN.
    pub(crate) tags: DashMap<String, Vec<Tag>>,
    /// The versions of each state machine, by its ARN.
    pub(crate) versions: DashMap<String, super::records::MachineVersions>,
    /// The aliases, by alias ARN.
    pub(crate) aliases: DashMap<String, super::records::AliasEntry>,
    /// The ended STANDARD executions kept in memory, when their number is bounded.
    pub(crate) retained: super::retained::Retained,
    /// Dropped last, after the runtime: the next process may take the data directory only
    /// once nothing of this one writes to it.
    pub(crate) _lock_holder: Option<crate::store::DiskStore>,
}

impl Drop for ServiceState {
    fn drop(&mut self) {
        // Before the runtime stops: executions asleep on task tokens end as the running
        // ones do when it stops.
        self.config.callbacks.release_parked();
    }
}

impl std::ops::Deref for ServiceState {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.config
    }
}

impl StepFunctions {
    /// The handler registry: register more handlers at any time.
    pub fn handlers(&self) -> &HandlerRegistry {
        &self.service.handlers
    }

    /// The clock the service runs on: real time, or virtual time that skips waits.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.service.clock
    }

    /// Replaces the mock config.
    pub fn set_mock_config(&self, cfg: MockConfig) {
        *self
            .service
            .mocks
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(cfg));
    }

    /// CreateStateMachine: checks the name and definition and adds the state machine;
    /// creating an identical one again returns the existing one.
    pub fn create_state_machine(
        &self,
        mut req: CreateStateMachineInput,
    ) -> Result<CreateStateMachineOutput, ApiError> {
        let tags = std::mem::take(&mut req.tags);
        let (publish, description) = (req.publish, req.version_description.take());
        super::records::check_logging(req.logging_configuration.as_ref())?;
        let entry = self.new_entry(req)?;
        let key = entry.arn.to_string();
        if let Some(existing) = self.service.state_machines.get(&key) {
            // AWS: creating an identical state machine again is idempotent.
            if existing.definition == entry.definition
                && existing.role_arn == entry.role_arn
                && existing.machine_type == entry.machine_type
            {
                return Ok(CreateStateMachineOutput {
                    state_machine_arn: key,
                    creation_date: existing.creation_date,
                    state_machine_version_arn: None,
                });
            }
            return Err(ApiError::StateMachineAlreadyExists(format!(
                "State Machine Already Exists: '{key}'"
            )));
        }
        super::records::check_tags(&tags, &key)?;
        let mut out = self.install(entry)?;
        if !tags.is_empty() {
            self.set_tags(&key, tags)?;
        }
        if publish {
            let version = self.publish_current(&key, None, description)?;
            out.state_machine_version_arn = Some(version.state_machine_version_arn);
        }
        Ok(out)
    }

    /// Creates the state machine, or replaces the one of that name in one step (the data
    /// directory's file is rewritten atomically), as `sfn run` does when its file changed:
    /// a delete and a create could be cut in between by a kill, leaving the earlier
    /// executions' state machine deleted. Earlier executions keep the version they ran.
    pub(crate) fn put_state_machine(
        &self,
        req: CreateStateMachineInput,
    ) -> Result<CreateStateMachineOutput, ApiError> {
        let entry = self.new_entry(req)?;
        match self.service.state_machines.get(&entry.arn.to_string()) {
            Some(existing)
                if existing.definition == entry.definition
                    && existing.role_arn == entry.role_arn
                    && existing.machine_type == entry.machine_type =>
            {
                Ok(CreateStateMachineOutput {
                    state_machine_arn: existing.arn.to_string(),
                    creation_date: existing.creation_date,
                    state_machine_version_arn: None,
                })
            }
            _ => self.install(entry),
        }
    }

    fn install(&self, entry: StateMachineEntry) -> Result<CreateStateMachineOutput, ApiError> {
        let key = entry.arn.to_string();
        let creation_date = entry.creation_date;
        let entry = Arc::new(entry);
        self.persist_machine(&entry)?;
        self.service.state_machines.insert(key.clone(), entry);
        Ok(CreateStateMachineOutput {
            state_machine_arn: key,
            creation_date,
            state_machine_version_arn: None,
        })
    }

    /// A state machine as CreateStateMachine would make it, checked.
    fn new_entry(&self, req: CreateStateMachineInput) -> Result<StateMachineEntry, ApiError> {
        let name: Name = req.name.parse()?;
        let machine_type = parse_type(req.r#type.as_deref())?;
        check_role(&req.role_arn)?;
        let machine = parse_machine(&req.definition)?;
        let arn = StateMachineArn::new("aws", &self.service.region, &self.service.account, &name);
        Ok(StateMachineEntry {
            arn,
            definition: req.definition.into(),
            machine: Arc::new(machine),
            role_arn: req.role_arn,
            machine_type,
            creation_date: self.service.clock.now(),
            revision_id: None,
            update_date: None,
            launch: Default::default(),
        })
    }

    pub(crate) fn state_machine(&self, arn: &str) -> Result<Arc<StateMachineEntry>, ApiError> {
        let parsed: StateMachineArn = arn.parse()?;
        self.service
            .state_machines
            .get(&parsed.to_string())
            .map(|e| Arc::clone(e.value()))
            .ok_or_else(|| {
                ApiError::StateMachineDoesNotExist(format!("State Machine Does Not Exist: '{arn}'"))
            })
    }

    /// DescribeStateMachine: a state machine's definition, role, type and creation date.
    pub fn describe_state_machine(
        &self,
        req: StateMachineArnInput,
    ) -> Result<DescribeStateMachineOutput, ApiError> {
        let arn: StateMachineArn = req.state_machine_arn.parse()?;
        if let (_, Some(crate::types::Qualifier::Version(_))) = arn.qualified() {
            let v = self.version(&arn)?;
            let e = &v.entry;
            return Ok(DescribeStateMachineOutput {
                state_machine_arn: arn.to_string(),
                name: e.arn.name().to_string(),
                status: "ACTIVE".into(),
                definition: e.definition.to_string(),
                role_arn: e.role_arn.clone(),
                r#type: e.machine_type.as_str().into(),
                creation_date: v.creation_date,
                revision_id: e.revision_id.clone(),
                description: v.description.clone(),
            });
        }
        let e = self.state_machine(&req.state_machine_arn)?;
        Ok(DescribeStateMachineOutput {
            state_machine_arn: e.arn.to_string(),
            name: e.arn.name().to_string(),
            status: "ACTIVE".into(),
            definition: e.definition.to_string(),
            role_arn: e.role_arn.clone(),
            r#type: e.machine_type.as_str().into(),
            creation_date: e.creation_date,
            revision_id: e.revision_id.clone(),
            description: None,
        })
    }

    /// ListStateMachines: the state machines in name order, one page at a time.
    pub fn list_state_machines(&self, req: PageInput) -> Result<ListStateMachinesOutput, ApiError> {
        let mut all: Vec<StateMachineListItem> = self
            .service
            .state_machines
            .iter()
            .map(|e| StateMachineListItem {
                state_machine_arn: e.arn.to_string(),
                name: e.arn.name().to_string(),
                r#type: e.machine_type.as_str().into(),
                creation_date: e.creation_date,
            })
            .collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        let (state_machines, next_token) =
            super::page::page(all, req.max_results, req.next_token.as_deref())?;
        Ok(ListStateMachinesOutput {
            state_machines,
            next_token,
        })
    }

    /// AWS: deleting stops nothing that runs; the state machine is gone for new executions.
    pub fn delete_state_machine(&self, req: StateMachineArnInput) -> Result<(), ApiError> {
        let arn: StateMachineArn = req.state_machine_arn.parse()?;
        if self
            .service
            .state_machines
            .remove(&arn.to_string())
            .is_some()
        {
            self.forget_machine(&arn);
            self.drop_tags(arn.as_str());
            self.drop_versions_and_aliases(&arn);
        }
        Ok(())
    }

    /// ValidateStateMachineDefinition: the diagnostics for a definition, without creating
    /// anything.
    pub fn validate_state_machine_definition(
        &self,
        req: ValidateStateMachineDefinitionInput,
    ) -> Result<asl::ValidationReport, ApiError> {
        parse_type(req.r#type.as_deref())?;
        Ok(asl::validate(&req.definition))
    }
}

fn parse_type(t: Option<&str>) -> Result<StateMachineType, ApiError> {
    match t {
        None | Some("STANDARD") => Ok(StateMachineType::STANDARD),
        Some("EXPRESS") => Ok(StateMachineType::EXPRESS),
        Some(other) => Err(ApiError::ValidationException(format!(
            "1 validation error detected: Value '{other}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
        ))),
    }
}

/// Whether `arn` has the shape of an IAM role's ARN, which AWS checks at creation.
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(
        parts.as_slice(),
        ["arn", partition, "iam", "", account, resource]
            if !partition.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource.strip_prefix("role/").is_some_and(|n| !n.is_empty())
    )
}

/// Refuses a role that is missing or is not an IAM role's ARN, as AWS does.
pub(crate) fn check_role(role_arn: &str) -> Result<(), ApiError> {
    if role_arn.is_empty() {
        return Err(ApiError::ValidationException(
            "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must not be null".into(),
        ));
    }
    if !is_role_arn(role_arn) {
        return Err(ApiError::InvalidArn(format!(
            "Invalid Arn: '{}': a role ARN is arn:PARTITION:iam::ACCOUNT:role/NAME",
            role_arn
        )));
    }
    Ok(())
}

/// The definition parsed, or AWS's InvalidDefinition with the diagnostics.
pub(crate) fn parse_machine(definition: &str) -> Result<StateMachine, ApiError> {
    asl::parse_definition(definition).map_err(|report| {
        let details: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == asl::Severity::Error)
            .map(|d| {
                format!(
                    "{}: {} at {}",
                    d.code,
                    d.message,
                    if d.location.is_empty() {
                        "/"
                    } else {
                        &d.location
                    }
                )
            })
            .collect();
        ApiError::InvalidDefinition(format!(
            "Invalid State Machine Definition: '{}'",
            details.join(", ")
        ))
    })
}
