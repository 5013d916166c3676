//! [`StepFunctionsBuilder`]: the only writer of a service's [`Config`].

use super::service::{ServiceState, StepFunctions};
use crate::objects::{DirStore, MemStore, ObjectStore};
use crate::runtime::mock::MockConfig;
use crate::runtime::{Clock, Config, MapRuns, Observer, Runtime, TaskHandler, VirtualClock};
use crate::store::DiskStore;
use dashmap::DashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};

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

/// Configures a [`StepFunctions`]: writes its [`Config`], and holds what is used only to
/// build it (the data directory, the objects to put, the seed).
pub struct StepFunctionsBuilder {
    config: Config,
    seed: Option<u64>,
    mocks: Option<MockConfig>,
    data_dir: Option<PathBuf>,
    objects_dir: Option<PathBuf>,
    objects: Vec<(String, String, Vec<u8>)>,
    read_only: bool,
    resume_running: bool,
    retain: Option<usize>,
}

impl Default for StepFunctionsBuilder {
    fn default() -> Self {
        StepFunctionsBuilder {
            config: Config::default(),
            seed: None,
            retain: None,
            mocks: None,
            data_dir: None,
            objects_dir: None,
            objects: Vec::new(),
            read_only: false,
            resume_running: true,
        }
    }
}

impl StepFunctions {
    /// A builder with AWS's defaults: real time, in memory, `us-east-1`.
    pub fn builder() -> StepFunctionsBuilder {
        StepFunctionsBuilder::default()
    }
}

impl StepFunctionsBuilder {
    /// Tells `observer` of every state, task and Map item of every execution (a latency
    /// recorder such as [`crate::metrics::Metrics`]). Without one nothing is timed.
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.config.observer = Some(observer);
        self
    }

    /// Runs on virtual time: Waits, retries and timeouts pass instantly.
    pub fn virtual_clock(mut self) -> Self {
        self.config.clock = Arc::new(VirtualClock::new());
        self
    }

    /// Runs on the given clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.config.clock = clock;
        self
    }

    /// Number of arbiters (event-loop threads); 0 = one per core.
    pub fn workers(mut self, n: usize) -> Self {
        self.config.workers = n;
        self
    }

    /// The region in the ARNs the service makes (default `us-east-1`).
    pub fn region(mut self, r: impl Into<String>) -> Self {
        self.config.region = r.into();
        self
    }

    /// The account ID in the ARNs the service makes (default `123456789012`).
    pub fn account(mut self, a: impl Into<String>) -> Self {
        self.config.account = a.into();
        self
    }

    /// The payload limit in bytes (AWS: 262,144). Load tests raise it.
    pub fn payload_limit(mut self, bytes: usize) -> Self {
        self.config.payload_limit = bytes;
        self
    }

    /// The history event limit that decides redrive eligibility (AWS: 25,000). Load tests
    /// that redrive huge inline fan-outs raise it.
    pub fn history_limit(mut self, events: usize) -> Self {
        self.config.history_limit = events;
        self
    }

    /// How long GetActivityTask waits for a task before answering with none (AWS: 60
    /// seconds, [`super::ACTIVITY_POLL`]; shorter suits tests).
    pub fn activity_poll(mut self, wait: std::time::Duration) -> Self {
        self.config.activity_poll = wait;
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

    /// Keeps at most `n` ended STANDARD executions in memory (the oldest go first), so a
    /// long run at a steady rate holds steady memory. With a data directory, one that went
    /// is read back from it when an operation names it; without, it is gone, as AWS
    /// forgets executions after their retention period. Running ones always stay.
    pub fn retain_executions(mut self, n: usize) -> Self {
        self.retain = Some(n);
        self
    }

    /// Registers a task handler for a resource ARN.
    pub fn handler(self, resource: impl Into<String>, h: impl TaskHandler) -> Self {
        self.config.handlers.register(resource, h);
        self
    }

    /// Invokes Lambda functions at `url` through Lambda's Invoke REST call (SAM local, a
    /// Lambda emulator): every `arn:aws:lambda:` resource and `arn:aws:states:::lambda:invoke`
    /// without a handler of its own.
    pub fn lambda_endpoint(self, url: &str) -> Self {
        let endpoint = crate::runtime::lambda::LambdaEndpoint::new(url);
        self.config
            .handlers
            .register_prefix(crate::runtime::lambda::INVOKE_RESOURCE, endpoint.clone());
        self.config
            .handlers
            .register_prefix(crate::runtime::lambda::FUNCTION_PREFIX, endpoint);
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
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
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
    pub fn objects_dir(mut self, dir: impl Into<PathBuf>) -> Self {
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
        self.config.result_file_limit = bytes;
        self
    }

    /// The folder of the object store, if it is one.
    fn objects_root(&self) -> Option<PathBuf> {
        self.objects_dir
            .clone()
            .or_else(|| self.data_dir.as_ref().map(|d| d.join("objects")))
    }

    fn object_store(&self) -> Result<Arc<dyn ObjectStore>, BuildError> {
        let store: Arc<dyn ObjectStore> = match self.objects_root() {
            // Read-only: a folder that does not exist is not created (it reads as empty).
            Some(d) if self.read_only => Arc::new(DirStore::at(d)),
            Some(d) => Arc::new(DirStore::open(d)?),
            None => Arc::new(MemStore::default()),
        };
        for (bucket, key, bytes) in &self.objects {
            store.put(bucket, key, bytes)?;
        }
        Ok(store)
    }

    /// Builds the service. With a data directory it takes the directory's lock (unless
    /// read-only) and takes back what the directory holds.
    pub fn build(self) -> Result<StepFunctions, BuildError> {
        // The HTTP Task is built in; a handler registered for its resource comes first.
        self.config.handlers.register_prefix(
            crate::runtime::http_task::RESOURCE,
            crate::runtime::http_task::HttpTask::default(),
        );
        let store = match &self.data_dir {
            Some(d) if self.read_only => Some(DiskStore::open_read_only(d)),
            Some(d) => Some(DiskStore::open(d)?),
            None => None,
        };
        let objects = self.object_store()?;
        let objects_root = self.objects_root().map(|d| d.canonicalize().unwrap_or(d));
        let loaded = store.as_ref().map(|s| s.load());
        let map_run_files = match &store {
            Some(s) => Some(Arc::new(s.map_run_files()?)),
            None => None,
        };
        let config = Arc::new(self.config);
        let sfn = StepFunctions {
            service: Arc::new(ServiceState {
                runtime: Runtime::new(config.workers)?,
                seed: AtomicU64::new(self.seed.unwrap_or_else(rand::random)),
                state_machines: DashMap::new(),
                executions: DashMap::new(),
                by_machine: DashMap::new(),
                launches: DashMap::new(),
                mocks: RwLock::new(self.mocks.map(Arc::new)),
                store_errors: std::sync::Mutex::new(Vec::new()),
                map_run_files,
                map_runs: Arc::new(MapRuns::with_result_file_limit(config.result_file_limit)),
                objects,
                objects_root,
                objects_explicit: self.objects_dir.is_some(),
                orphans: DashMap::new(),
                activities: DashMap::new(),
                tags: DashMap::new(),
                versions: DashMap::new(),
                aliases: DashMap::new(),
                retained: super::retained::Retained::new(self.retain),
                _lock_holder: store.clone(),
                store,
                config,
            }),
        };
        if let Some(loaded) = loaded {
            sfn.restore(loaded, self.resume_running && !self.read_only);
            sfn.retain_restored();
        }
        Ok(sfn)
    }
}
