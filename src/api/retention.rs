//! The retention of ended STANDARD executions: at most a set number stay in memory, the
//! oldest going first, so that a soak test at a steady rate holds steady memory. With a
//! data directory an execution that went is read back from it when an operation names it.

use super::service::StepFunctions;
use crate::runtime::ExecutionRecord;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

impl StepFunctions {
    /// Counts `record` (a STANDARD execution just registered, started or read back)
    /// against the retention, forgetting the oldest ended ones beyond it.
    pub(crate) fn retain(&self, record: &Arc<ExecutionRecord>) {
        self.forget_all(self.service.retained.keep(Arc::clone(record)));
    }

    /// After a restart: the executions read from the data directory count too. What goes
    /// is forgotten at once, so each machine's list is walked once, not once per record.
    pub(crate) fn retain_restored(&self) {
        if self.service.retained.limit().is_none() {
            return;
        }
        let mut all: Vec<Arc<ExecutionRecord>> = self
            .service
            .executions
            .iter()
            .map(|e| Arc::clone(e.value()))
            .collect();
        all.sort_by_key(|r| r.start_date);
        let mut gone = Vec::new();
        for r in all {
            gone.extend(self.service.retained.keep(r));
        }
        self.forget_all(gone);
    }

    fn forget_all(&self, gone: Vec<Arc<ExecutionRecord>>) {
        let mut listed: HashMap<&str, HashSet<*const ExecutionRecord>> = HashMap::new();
        for r in &gone {
            if self.forget(r) {
                listed
                    .entry(r.state_machine_arn.as_str())
                    .or_default()
                    .insert(Arc::as_ptr(r));
            }
        }
        for (machine, records) in listed {
            if let Some(mut v) = self.service.by_machine.get_mut(machine) {
                v.retain(|kept| !records.contains(&Arc::as_ptr(kept)));
            }
        }
    }

    /// Drops `r` from the service's maps (not its machine's list: see
    /// [`Self::forget_all`]); whether it went.
    fn forget(&self, r: &Arc<ExecutionRecord>) -> bool {
        let arn = r.execution_arn.as_str();
        // A Map Run's parent stays, so its runs keep naming an execution that is there.
        if !self.service.map_runs.of_execution(arn).is_empty() {
            return false;
        }
        // Only the record the queue saw, and only while it has still ended: a redrive may
        // have started it again since.
        let removed = self.service.executions.remove_if(arn, |_, kept| {
            Arc::ptr_eq(kept, r) && r.status().is_terminal()
        });
        if removed.is_some() {
            self.service.launches.remove(arn);
        }
        removed.is_some()
    }

    /// An execution forgotten from memory, read back from the data directory.
    pub(crate) fn read_back(
        &self,
        arn: &crate::types::arn::ExecutionArn,
    ) -> Option<Arc<ExecutionRecord>> {
        self.service.retained.limit()?;
        let store = self.service.store.as_ref()?;
        let loaded = store
            .read_execution_of(arn.state_machine(), arn.name())
            .ok()?;
        if loaded.meta.execution_arn != arn.as_str() {
            return None;
        }
        self.restore_forgotten(loaded)?;
        let record = self
            .service
            .executions
            .get(arn.as_str())
            .map(|e| Arc::clone(e.value()))?;
        self.retain(&record);
        Some(record)
    }
}
