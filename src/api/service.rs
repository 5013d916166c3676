//! [`StepFunctions`]: the in-process control plane, its builder, and the state machine
//! operations. Execution operations are in `executions.rs`.

use super::error::ApiError;
use super::types::*;
use crate::asl::{self, StateMachine};
use crate::runtime::mock::MockConfig;
use crate::runtime::{
    Clock, ExecutionRecord, HandlerRegistry, RealClock, Runtime, TaskHandler, VirtualClock,
};
use crate::types::arn::{Name, StateMachineArn};
use crate::types::StateMachineType;
use chrono::{DateTime, Utc};
use dashmap::DashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};

/// AWS: input, output and state data are at most 256 KiB.
pub const DEFAULT_PAYLOAD_LIMIT: usize = 262_144;

/// A created state machine.
#[derive(Debug)]
pub struct StateMachineEntry {
    pub arn: StateMachineArn,
    pub definition: String,
    pub machine: Arc<StateMachine>,
    pub role_arn: String,
    pub machine_type: StateMachineType,
    pub creation_date: DateTime<Utc>,
}

/// The Step Functions service, in process. Cheap to clone.
#[derive(Clone)]
pub struct StepFunctions {
    pub(crate) inner: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) runtime: Runtime,
    pub(crate) handlers: HandlerRegistry,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) region: String,
    pub(crate) account: String,
    pub(crate) payload_limit: usize,
    pub(crate) history_limit: usize,
    pub(crate) seed: AtomicU64,
    pub(crate) state_machines: DashMap<String, Arc<StateMachineEntry>>,
    pub(crate) executions: DashMap<String, Arc<ExecutionRecord>>,
    /// Executions per state machine ARN, in start order (for ListExecutions).
    pub(crate) by_machine: DashMap<String, Vec<Arc<ExecutionRecord>>>,
    /// What each execution was started with, so a redrive runs the same definition
    /// version with the same mocks.
    pub(crate) launches: DashMap<String, super::redrive::Launch>,
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
    pub(crate) orphans: DashMap<String, super::durable::Orphan>,
    pub(crate) observer: Option<Arc<dyn crate::runtime::Observer>>,
    /// Dropped last, after the runtime: the next process may take the data directory only
    /// once nothing of this one writes to it.
    pub(crate) _lock_holder: Option<crate::store::DiskStore>,
}

/// Why a [`StepFunctions`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The data directory could not be opened (or another process holds it).
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    /// The objects directory or an object given to the builder.
    #[error("the object store: {0}")]
    Objects(#[from] crate::objects::ObjectError),
    /// The runtime's threads.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Configures a [`StepFunctions`].
pub struct StepFunctionsBuilder {
    clock: Arc<dyn Clock>,
    workers: usize,
    region: String,
    account: String,
    payload_limit: usize,
    history_limit: usize,
    seed: Option<u64>,
    handlers: HandlerRegistry,
    mocks: Option<MockConfig>,
    data_dir: Option<std::path::PathBuf>,
    objects_dir: Option<std::path::PathBuf>,
    objects: Vec<(String, String, Vec<u8>)>,
    result_file_limit: u64,
    observer: Option<Arc<dyn crate::runtime::Observer>>,
    read_only: bool,
    resume_running: bool,
}

impl Default for StepFunctionsBuilder {
    fn default() -> Self {
        StepFunctionsBuilder {
            clock: Arc::new(RealClock),
            workers: 0,
            region: "us-east-1".into(),
            account: "123456789012".into(),
            payload_limit: DEFAULT_PAYLOAD_LIMIT,
            history_limit: super::redrive::DEFAULT_HISTORY_LIMIT,
            seed: None,
            handlers: HandlerRegistry::new(),
            mocks: None,
            data_dir: None,
            objects_dir: None,
            objects: Vec::new(),
            result_file_limit: crate::runtime::result_files::DEFAULT_RESULT_FILE_LIMIT,
            observer: None,
            read_only: false,
            resume_running: true,
        }
    }
}

impl StepFunctionsBuilder {
    /// Tells `observer` of every state, task and Map item of every execution (a latency
    /// recorder such as [`crate::metrics::Metrics`]). Without one nothing is timed.
    pub fn observer(mut self, observer: Arc<dyn crate::runtime::Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Runs on virtual time: Waits, retries and timeouts pass instantly.
    pub fn virtual_clock(mut self) -> Self {
        self.clock = Arc::new(VirtualClock::new());
        self
    }

    /// Runs on the given clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Number of arbiters (event-loop threads); 0 = one per core.
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = n;
        self
    }

    pub fn region(mut self, r: impl Into<String>) -> Self {
        self.region = r.into();
        self
    }

    pub fn account(mut self, a: impl Into<String>) -> Self {
        self.account = a.into();
        self
    }

    /// The payload limit in bytes (AWS: 262,144). Load tests raise it.
    pub fn payload_limit(mut self, bytes: usize) -> Self {
        self.payload_limit = bytes;
        self
    }

    /// The history event limit that decides redrive eligibility (AWS: 25,000). Load tests
    /// that redrive huge inline fan-outs raise it.
    pub fn history_limit(mut self, events: usize) -> Self {
        self.history_limit = events;
        self
    }

    /// Seeds the random source (Map Run ids, child execution names, task tokens, UUIDs,
    /// jitter, MathRandom), so that a run can be reproduced. Without a seed the source is
    /// seeded from the operating system: ids drawn by two processes never repeat, so a
    /// second process on a data directory cannot overwrite the first one's Map Runs.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Registers a task handler for a resource ARN.
    pub fn handler(self, resource: impl Into<String>, h: impl TaskHandler) -> Self {
        self.handlers.register(resource, h);
        self
    }

    /// Uses a mock config: executions started as `stateMachineArn#TestCase` are answered
    /// from it.
    pub fn mock_config(mut self, cfg: MockConfig) -> Self {
        self.mocks = Some(cfg);
        self
    }

    /// Keeps state machines and executions in a data directory (created if missing), and
    /// takes back what it already holds: finished executions stay describable and
    /// redrivable, and executions that were running continue.
    pub fn data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Opens the data directory only to read it: executions and Map Runs can be described,
    /// listed and read, nothing is written, no execution is continued, and no lock is
    /// taken (another process may be running executions from it). Operations that would
    /// write fail with `InternalFailure`.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Whether executions found RUNNING in the data directory (their process died)
    /// continue as soon as the service is built (the default), or only when
    /// [`StepFunctions::resume_execution`] names them.
    pub fn resume_running(mut self, resume: bool) -> Self {
        self.resume_running = resume;
        self
    }

    /// The data directory set so far, if any.
    pub fn data_dir_path(&self) -> Option<&std::path::Path> {
        self.data_dir.as_deref()
    }

    /// Where `s3://bucket/key` objects live: `DIR/bucket/key`. Default: `objects/` inside
    /// the data directory, or, without one, in memory.
    pub fn objects_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.objects_dir = Some(dir.into());
        self
    }

    /// Puts an object in the object store when the service starts (for ItemReader inputs).
    pub fn object(
        mut self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        self.objects.push((bucket.into(), key.into(), bytes.into()));
        self
    }

    /// The size at which a ResultWriter starts its next results file (AWS: 5 GB).
    pub fn result_file_limit(mut self, bytes: u64) -> Self {
        self.result_file_limit = bytes;
        self
    }

    /// The folder of the object store, if it is one.
    fn objects_root(&self) -> Option<std::path::PathBuf> {
        self.objects_dir
            .clone()
            .or_else(|| self.data_dir.as_ref().map(|d| d.join("objects")))
    }

    fn object_store(&self) -> Result<Arc<dyn crate::objects::ObjectStore>, BuildError> {
        let store: Arc<dyn crate::objects::ObjectStore> = match self.objects_root() {
            // Read-only: a folder that does not exist is not created (it reads as empty).
            Some(d) if self.read_only => Arc::new(crate::objects::DirStore::at(d)),
            Some(d) => Arc::new(crate::objects::DirStore::open(d)?),
            None => Arc::new(crate::objects::MemStore::default()),
        };
        for (bucket, key, bytes) in &self.objects {
            store.put(bucket, key, bytes)?;
        }
        Ok(store)
    }

    /// Builds the service. With a data directory it takes the directory's lock (unless
    /// read-only) and takes back what the directory holds.
    pub fn build(self) -> Result<StepFunctions, BuildError> {
        let store = match &self.data_dir {
            Some(d) if self.read_only => Some(crate::store::DiskStore::open_read_only(d)),
            Some(d) => Some(crate::store::DiskStore::open(d)?),
            None => None,
        };
        let objects = self.object_store()?;
        let objects_root = self.objects_root().map(|d| d.canonicalize().unwrap_or(d));
        let loaded = store.as_ref().map(|s| s.load());
        let map_run_files = match &store {
            Some(s) => Some(Arc::new(s.map_run_files()?)),
            None => None,
        };
        let sfn = StepFunctions {
            inner: Arc::new(Shared {
                runtime: Runtime::new(self.workers)?,
                handlers: self.handlers,
                clock: self.clock,
                region: self.region,
                account: self.account,
                payload_limit: self.payload_limit,
                history_limit: self.history_limit,
                seed: AtomicU64::new(self.seed.unwrap_or_else(rand::random)),
                state_machines: DashMap::new(),
                executions: DashMap::new(),
                by_machine: DashMap::new(),
                launches: DashMap::new(),
                mocks: RwLock::new(self.mocks.map(Arc::new)),
                store_errors: std::sync::Mutex::new(Vec::new()),
                map_run_files,
                map_runs: Arc::new(crate::runtime::MapRuns::with_result_file_limit(
                    self.result_file_limit,
                )),
                objects,
                objects_root,
                objects_explicit: self.objects_dir.is_some(),
                orphans: DashMap::new(),
                observer: self.observer,
                _lock_holder: store.clone(),
                store,
            }),
        };
        if let Some(loaded) = loaded {
            sfn.restore(loaded, self.resume_running && !self.read_only);
        }
        Ok(sfn)
    }
}

impl StepFunctions {
    pub fn builder() -> StepFunctionsBuilder {
        StepFunctionsBuilder::default()
    }

    /// The handler registry: register more handlers at any time.
    pub fn handlers(&self) -> &HandlerRegistry {
        &self.inner.handlers
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Replaces the mock config.
    pub fn set_mock_config(&self, cfg: MockConfig) {
        *self.inner.mocks.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(cfg));
    }

    pub fn create_state_machine(
        &self,
        req: CreateStateMachineInput,
    ) -> Result<CreateStateMachineOutput, ApiError> {
        let entry = self.new_entry(req)?;
        let key = entry.arn.to_string();
        if let Some(existing) = self.inner.state_machines.get(&key) {
            // AWS: creating an identical state machine again is idempotent.
            if existing.definition == entry.definition
                && existing.role_arn == entry.role_arn
                && existing.machine_type == entry.machine_type
            {
                return Ok(CreateStateMachineOutput {
                    state_machine_arn: key,
                    creation_date: existing.creation_date,
                });
            }
            return Err(ApiError::StateMachineAlreadyExists(format!(
                "State Machine Already Exists: '{key}'"
            )));
        }
        self.install(entry)
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
        match self.inner.state_machines.get(&entry.arn.to_string()) {
            Some(existing)
                if existing.definition == entry.definition
                    && existing.role_arn == entry.role_arn
                    && existing.machine_type == entry.machine_type =>
            {
                Ok(CreateStateMachineOutput {
                    state_machine_arn: existing.arn.to_string(),
                    creation_date: existing.creation_date,
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
        self.inner.state_machines.insert(key.clone(), entry);
        Ok(CreateStateMachineOutput {
            state_machine_arn: key,
            creation_date,
        })
    }

    /// A state machine as CreateStateMachine would make it, checked.
    fn new_entry(&self, req: CreateStateMachineInput) -> Result<StateMachineEntry, ApiError> {
        let name: Name = req.name.parse()?;
        let machine_type = parse_type(req.r#type.as_deref())?;
        if req.role_arn.is_empty() {
            return Err(ApiError::ValidationException(
                "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must not be null".into(),
            ));
        }
        let machine = asl::parse_definition(&req.definition).map_err(|report| {
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
        })?;
        let arn = StateMachineArn {
            partition: "aws".into(),
            region: self.inner.region.clone(),
            account: self.inner.account.clone(),
            name: name.to_string(),
        };
        Ok(StateMachineEntry {
            arn,
            definition: req.definition,
            machine: Arc::new(machine),
            role_arn: req.role_arn,
            machine_type,
            creation_date: self.inner.clock.now(),
        })
    }

    pub(crate) fn state_machine(&self, arn: &str) -> Result<Arc<StateMachineEntry>, ApiError> {
        let parsed: StateMachineArn = arn.parse()?;
        self.inner
            .state_machines
            .get(&parsed.to_string())
            .map(|e| Arc::clone(e.value()))
            .ok_or_else(|| {
                ApiError::StateMachineDoesNotExist(format!("State Machine Does Not Exist: '{arn}'"))
            })
    }

    pub fn describe_state_machine(
        &self,
        req: StateMachineArnInput,
    ) -> Result<DescribeStateMachineOutput, ApiError> {
        let e = self.state_machine(&req.state_machine_arn)?;
        Ok(DescribeStateMachineOutput {
            state_machine_arn: e.arn.to_string(),
            name: e.arn.name.clone(),
            status: "ACTIVE".into(),
            definition: e.definition.clone(),
            role_arn: e.role_arn.clone(),
            r#type: e.machine_type.as_str().into(),
            creation_date: e.creation_date,
        })
    }

    pub fn list_state_machines(&self, req: PageInput) -> Result<ListStateMachinesOutput, ApiError> {
        let mut all: Vec<StateMachineListItem> = self
            .inner
            .state_machines
            .iter()
            .map(|e| StateMachineListItem {
                state_machine_arn: e.arn.to_string(),
                name: e.arn.name.clone(),
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
        if self.inner.state_machines.remove(&arn.to_string()).is_some() {
            self.forget_machine(&arn);
        }
        Ok(())
    }

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
