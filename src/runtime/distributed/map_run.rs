//! Map Runs: what a Distributed Map state starts. A Map Run has its own ARN, status,
//! configuration (changeable while it runs: UpdateMapRun) and counts of items and child
//! executions; its child executions are executions of their own, with their own ARNs and,
//! for STANDARD children, their own histories.
//!
//! The parent's actor owns the run and writes this record; the API reads it.

use crate::runtime::record::ExecutionRecord;

use crate::interpret::result_writer::{Transformation, WriterRequest};
use crate::runtime::messages::MapRunUpdated;
use crate::types::StateMachineType;
use crate::types::{ChildEnd, MapRunConfig, MapRunCounts, MapRunProgress, MapRunStatus};
use crate::types::{ExecutionArn, MapRunArn, StateMachineArn};
use chrono::{DateTime, Utc};
use dashmap::DashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// One Map Run.
pub struct MapRunRecord {
    /// The run's own ARN, by which the API names it.
    pub map_run_arn: MapRunArn,
    /// The execution whose Distributed Map state started it.
    pub execution_arn: ExecutionArn,
    /// What its child executions run: `stateMachine:{name}/{label}`.
    pub state_machine_arn: StateMachineArn,
    /// When the run started.
    pub start_date: DateTime<Utc>,
    /// Whether its child executions are STANDARD or EXPRESS.
    pub execution_type: StateMachineType,
    /// The Distributed Map state that started it.
    pub state_name: String,
    /// Where and how its results are written (ResultWriter).
    pub writer: Option<WriterRequest>,
    /// With an ItemBatcher: how many items each child execution holds (else one each).
    pub batch_sizes: Option<Vec<u32>>,
    /// Its children's ARNs up to their names, made once for them all.
    child_prefix: String,
    progress: Mutex<MapRunProgress>,
    /// STANDARD child executions, in start order (ListExecutions by mapRunArn). EXPRESS
    /// children are not listed, as in AWS.
    children: Mutex<Vec<Arc<ExecutionRecord>>>,
    /// STANDARD child executions by item (or batch) index: a redrive redrives them.
    by_index: Mutex<std::collections::HashMap<u32, Arc<ExecutionRecord>>>,
    /// Told when UpdateMapRun raised the concurrency, so the run starts more children.
    on_update: Mutex<Option<actix::Recipient<MapRunUpdated>>>,
    /// Where the run is kept, if it is.
    store: OnceLock<Arc<dyn MapRunStore>>,
}

/// Where Map Runs are kept (a data directory): told of each run as it starts, and at each
/// change of its status or configuration. Counts kept there are as of that moment.
pub trait MapRunStore: Send + Sync + std::fmt::Debug {
    /// Keeps `run` as it is now, in place of what was kept of it before.
    fn save(&self, run: &MapRunRecord);
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a Map Run is started (or restored) with.
pub struct MapRunStart {
    /// The ARN the run gets.
    pub map_run_arn: MapRunArn,
    /// The execution whose Distributed Map state starts it.
    pub execution_arn: ExecutionArn,
    /// What its child executions run: `stateMachine:{name}/{label}`.
    pub state_machine_arn: StateMachineArn,
    /// When the run started.
    pub start_date: DateTime<Utc>,
    /// Whether its child executions are STANDARD or EXPRESS.
    pub execution_type: StateMachineType,
    /// The Distributed Map state that starts it.
    pub state_name: String,
    /// The limits it starts with.
    pub config: MapRunConfig,
    /// Where and how its results are written (ResultWriter).
    pub writer: Option<WriterRequest>,
    /// How many items it processes.
    pub total_items: u64,
    /// How many child executions it runs (fewer than items with an ItemBatcher).
    pub total_executions: u64,
    /// With an ItemBatcher: how many items each child execution holds.
    pub batch_sizes: Option<Vec<u32>>,
}

impl MapRunRecord {
    /// A RUNNING run whose items and child executions are all pending.
    pub fn new(start: MapRunStart) -> Self {
        let MapRunStart {
            map_run_arn,
            execution_arn,
            state_machine_arn,
            start_date,
            execution_type,
            state_name,
            config,
            writer,
            total_items,
            total_executions,
            batch_sizes,
        } = start;
        let counts = |total| MapRunCounts {
            pending: total,
            total,
            ..Default::default()
        };
        MapRunRecord {
            child_prefix: state_machine_arn.execution_prefix(),
            map_run_arn,
            execution_arn,
            state_machine_arn,
            start_date,
            execution_type,
            state_name,
            writer,
            batch_sizes,
            progress: Mutex::new(MapRunProgress {
                status: MapRunStatus::RUNNING,
                stop_date: None,
                config,
                items: counts(total_items),
                executions: counts(total_executions),
                redrive_count: 0,
                redrive_date: None,
            }),
            children: Mutex::new(Vec::new()),
            by_index: Mutex::new(std::collections::HashMap::new()),
            on_update: Mutex::new(None),
            store: OnceLock::new(),
        }
    }

    /// The ARN of its child execution `name`.
    pub fn child_arn(&self, name: &str) -> ExecutionArn {
        ExecutionArn::after(&self.child_prefix, name)
    }

    /// Puts back the progress a store kept.
    pub fn restore_progress(&self, p: MapRunProgress) {
        *lock(&self.progress) = p;
    }

    fn persist(&self) {
        if let Some(s) = self.store.get() {
            s.save(self);
        }
    }

    /// The process stopped while the run ran, and its execution continues it: the counts
    /// start again from the items, and the children that completed are counted anew.
    pub fn continue_after_restart(&self) {
        let mut guard = lock(&self.progress);
        let p = &mut *guard;
        for c in [&mut p.items, &mut p.executions] {
            *c = MapRunCounts {
                pending: c.total,
                total: c.total,
                ..Default::default()
            };
        }
    }

    /// A copy of the current progress.
    pub fn progress(&self) -> MapRunProgress {
        lock(&self.progress).clone()
    }

    /// The limits in force now.
    pub fn config(&self) -> MapRunConfig {
        lock(&self.progress).config
    }

    /// The run's current status.
    pub fn status(&self) -> MapRunStatus {
        lock(&self.progress).status
    }

    /// Whether children's whole execution results are kept: a ResultWriter writes them
    /// (Transformation NONE).
    pub fn needs_whole_results(&self) -> bool {
        self.writer
            .as_ref()
            .is_some_and(|w| w.transformation == Transformation::None)
    }

    /// How many items child `index` holds.
    pub fn items_of(&self, index: u32) -> u64 {
        self.batch_sizes
            .as_ref()
            .and_then(|s| s.get(index as usize))
            .map_or(1, |&n| u64::from(n))
    }

    /// How many items the run has.
    pub fn total_items(&self) -> u64 {
        lock(&self.progress).items.total
    }

    /// A child execution of `items` items started.
    pub fn child_started(&self, items: u64) {
        let mut p = lock(&self.progress);
        p.items.started(items);
        p.executions.started(1);
    }

    /// A child execution of `items` items ended.
    pub fn child_ended(&self, items: u64, end: ChildEnd) {
        let mut p = lock(&self.progress);
        p.items.ended(items, end);
        p.executions.ended(1, end);
    }

    /// Results written by a ResultWriter (once, as its files are finished, after the run
    /// ended): kept, so that a later process describes the run with them.
    pub fn results_written(&self, items: u64, executions: u64) {
        let mut p = lock(&self.progress);
        p.items.results_written += items;
        p.executions.results_written += executions;
        drop(p);
        self.persist();
    }

    /// The run ended: its status and when.
    pub fn end(&self, status: MapRunStatus, at: DateTime<Utc>) {
        let mut p = lock(&self.progress);
        p.status = status;
        p.stop_date = Some(at);
        drop(p);
        *lock(&self.on_update) = None;
        self.persist();
    }

    /// Registers the STANDARD child execution that runs item (or batch) `index`.
    pub fn add_child(&self, index: u32, r: Arc<ExecutionRecord>) {
        lock(&self.by_index).insert(index, Arc::clone(&r));
        lock(&self.children).push(r);
    }

    /// The STANDARD child execution that ran item (or batch) `index`.
    pub fn child_at(&self, index: u32) -> Option<Arc<ExecutionRecord>> {
        lock(&self.by_index).get(&index).cloned()
    }

    /// RedriveExecution of the parent redrives this failed or aborted run: it runs again,
    /// its unsuccessful children pending once more. Returns the new redrive count.
    pub fn redrive(&self, at: DateTime<Utc>) -> u32 {
        let mut guard = lock(&self.progress);
        let p = &mut *guard;
        p.status = MapRunStatus::RUNNING;
        p.stop_date = None;
        p.redrive_count += 1;
        p.redrive_date = Some(at);
        for c in [&mut p.items, &mut p.executions] {
            let again = c.failed + c.timed_out + c.aborted + c.running;
            c.pending += again;
            c.pending_redrive = again;
            (c.failed, c.timed_out, c.aborted, c.running) = (0, 0, 0, 0);
        }
        let count = p.redrive_count;
        drop(guard);
        self.persist();
        count
    }

    /// Its STANDARD child executions, in start order.
    pub fn children(&self) -> Vec<Arc<ExecutionRecord>> {
        lock(&self.children).clone()
    }

    /// Where [`MapRunRecord::update`] sends its wake-up while the run runs (dropped at its end).
    pub fn set_on_update(&self, r: actix::Recipient<MapRunUpdated>) {
        *lock(&self.on_update) = Some(r);
    }

    /// UpdateMapRun: changes what is given, and wakes the run. False if it has ended.
    pub fn update(
        &self,
        max_concurrency: Option<u32>,
        tolerated_failure_percentage: Option<f64>,
        tolerated_failure_count: Option<u64>,
    ) -> bool {
        {
            let mut p = lock(&self.progress);
            if p.status != MapRunStatus::RUNNING {
                return false;
            }
            if let Some(m) = max_concurrency {
                p.config.max_concurrency = m;
            }
            if let Some(t) = tolerated_failure_percentage {
                p.config.tolerated_failure_percentage = Some(t);
            }
            if let Some(t) = tolerated_failure_count {
                p.config.tolerated_failure_count = Some(t);
            }
        }
        self.persist();
        if let Some(r) = lock(&self.on_update).as_ref() {
            r.do_send(MapRunUpdated);
        }
        true
    }
}

impl std::fmt::Debug for MapRunRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapRunRecord")
            .field("map_run_arn", &self.map_run_arn)
            .field("progress", &self.progress())
            .finish()
    }
}

/// Every Map Run of a service, and the child executions that can be described.
#[derive(Debug)]
pub struct MapRuns {
    /// How large a ResultWriter file may grow before the next one starts.
    pub result_file_limit: u64,
    by_arn: DashMap<String, Arc<MapRunRecord>>,
    /// Per parent execution ARN, in start order.
    by_execution: DashMap<String, Vec<Arc<MapRunRecord>>>,
    /// STANDARD child executions by ARN, with the ARN of their run.
    children: DashMap<String, (Arc<ExecutionRecord>, Arc<str>)>,
    store: OnceLock<Arc<dyn MapRunStore>>,
}

impl Default for MapRuns {
    fn default() -> Self {
        Self::with_result_file_limit(crate::runtime::config::DEFAULT_RESULT_FILE_LIMIT)
    }
}

impl MapRuns {
    /// No runs yet; ResultWriter files grow to at most `result_file_limit` bytes.
    pub fn with_result_file_limit(result_file_limit: u64) -> Self {
        MapRuns {
            result_file_limit,
            by_arn: DashMap::new(),
            by_execution: DashMap::new(),
            children: DashMap::new(),
            store: OnceLock::new(),
        }
    }

    /// Keeps every Map Run from now on in `store`.
    pub fn set_store(&self, store: Arc<dyn MapRunStore>) {
        let _ = self.store.set(store);
    }

    /// A new Map Run (kept in the store, if there is one).
    pub fn insert(&self, run: Arc<MapRunRecord>) {
        self.restore(Arc::clone(&run));
        run.persist();
    }

    /// A Map Run the store kept.
    pub fn restore(&self, run: Arc<MapRunRecord>) {
        if let Some(s) = self.store.get() {
            let _ = run.store.set(Arc::clone(s));
        }
        self.by_execution
            .entry(run.execution_arn.as_str().to_owned())
            .or_default()
            .push(Arc::clone(&run));
        self.by_arn.insert(run.map_run_arn.as_str().to_owned(), run);
    }

    /// A Map Run by ARN.
    pub fn get(&self, map_run_arn: &str) -> Option<Arc<MapRunRecord>> {
        self.by_arn.get(map_run_arn).map(|r| Arc::clone(&r))
    }

    /// The Map Runs an execution started, oldest first.
    pub fn of_execution(&self, execution_arn: &str) -> Vec<Arc<MapRunRecord>> {
        self.by_execution
            .get(execution_arn)
            .map(|v| v.clone())
            .unwrap_or_default()
    }

    /// Registers a STANDARD child execution of `run`, which runs item (or batch) `index`.
    pub fn add_child(&self, run: &MapRunRecord, index: u32, child: Arc<ExecutionRecord>) {
        self.children.insert(
            child.execution_arn.as_str().to_owned(),
            (Arc::clone(&child), Arc::from(run.map_run_arn.as_str())),
        );
        run.add_child(index, child);
    }

    /// A child execution by ARN.
    pub fn child(&self, execution_arn: &str) -> Option<Arc<ExecutionRecord>> {
        self.children.get(execution_arn).map(|r| Arc::clone(&r.0))
    }

    /// The ARN of the Map Run a child execution belongs to.
    pub fn run_of_child(&self, execution_arn: &str) -> Option<String> {
        self.children.get(execution_arn).map(|r| r.1.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(p: Option<f64>, c: Option<u64>) -> MapRunConfig {
        MapRunConfig {
            max_concurrency: 0,
            tolerated_failure_percentage: p,
            tolerated_failure_count: c,
        }
    }

    #[test]
    fn thresholds_are_exceeded_only_past_their_value() {
        // Neither given: no failure is tolerated.
        assert!(!cfg(None, None).exceeded(0, 10));
        assert!(cfg(None, None).exceeded(1, 10));
        // A count tolerates exactly that many.
        assert!(!cfg(None, Some(3)).exceeded(3, 10));
        assert!(cfg(None, Some(3)).exceeded(4, 10));
        assert!(!cfg(None, Some(0)).exceeded(0, 10));
        assert!(cfg(None, Some(0)).exceeded(1, 10));
        // A percentage of the total items: 50% of 10 tolerates 5, not 6.
        assert!(!cfg(Some(50.0), None).exceeded(5, 10));
        assert!(cfg(Some(50.0), None).exceeded(6, 10));
        assert!(!cfg(Some(100.0), None).exceeded(10, 10));
        assert!(cfg(Some(0.0), None).exceeded(1, 10));
        // 1.1% of 1,000 tolerates 11, not 12.
        assert!(!cfg(Some(1.1), None).exceeded(11, 1000));
        assert!(cfg(Some(1.1), None).exceeded(12, 1000));
        // Both: exceeding either fails the run.
        assert!(cfg(Some(50.0), Some(2)).exceeded(3, 10));
        assert!(cfg(Some(10.0), Some(5)).exceeded(2, 10));
        assert!(!cfg(Some(20.0), Some(5)).exceeded(2, 10));
    }

    #[test]
    fn counts_follow_children_through_their_lives() {
        let r = MapRunRecord::new(MapRunStart {
            map_run_arn: "arn:aws:states:us-east-1:123456789012:mapRun:sm/Map:1"
                .parse()
                .unwrap(),
            execution_arn: "arn:aws:states:us-east-1:123456789012:execution:sm:e"
                .parse()
                .unwrap(),
            state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:sm/Map"
                .parse()
                .unwrap(),
            start_date: Utc::now(),
            execution_type: StateMachineType::STANDARD,
            state_name: "Map".into(),
            config: cfg(None, None),
            writer: None,
            total_items: 5,
            total_executions: 3,
            batch_sizes: None,
        });
        r.child_started(2);
        r.child_started(2);
        r.child_ended(2, ChildEnd::Succeeded);
        r.child_ended(2, ChildEnd::Failed);
        let p = r.progress();
        assert_eq!(
            (
                p.items.pending,
                p.items.running,
                p.items.succeeded,
                p.items.failed
            ),
            (1, 0, 2, 2)
        );
        assert_eq!(
            (
                p.executions.pending,
                p.executions.succeeded,
                p.executions.total
            ),
            (1, 1, 3)
        );
        assert!(r.update(Some(7), None, Some(1)));
        assert_eq!(r.config().max_concurrency, 7);
        r.end(MapRunStatus::FAILED, Utc::now());
        assert!(
            !r.update(Some(8), None, None),
            "an ended run cannot be updated"
        );
    }
}
