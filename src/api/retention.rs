//! The retention of ended STANDARD executions: at most a set number stay in memory, the
//! oldest going first, so that a soak test at a steady rate holds steady memory. With a
//! data directory an execution that went is read back from it when an operation names it.

use super::service::StepFunctions;
use crate::runtime::ExecutionRecord;
use std::sync::Arc;

impl StepFunctions {
    /// Counts `record` (a STANDARD execution just registered, started or read back)
    /// against the retention, forgetting the oldest ended ones beyond it.
    pub(crate) fn retain(&self, record: &Arc<ExecutionRecord>) {
        for r in self.service.retained.keep(Arc::clone(record)) {
            self.forget(&r);
        }
    }

    /// After a restart: the executions read from the data directory count too.
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
        for r in &all {
            self.retain(r);
        }
    }

    fn forget(&self, r: &Arc<ExecutionRecord>) {
        let arn = r.execution_arn.as_str();
        // A Map Run's parent stays, so its runs keep naming an execution that is there.
        if !self.service.map_runs.of_execution(arn).is_empty() {
            return;
        }
        // Only the record the queue saw, and only while it has still ended: a redrive may
        // have started it again since.
        let removed = self.service.executions.remove_if(arn, |_, kept| {
            Arc::ptr_eq(kept, r) && r.status().is_terminal()
        });
        if removed.is_none() {
            return;
        }
        self.service.launches.remove(arn);
        if let Some(mut v) = self
            .service
            .by_machine
            .get_mut(r.state_machine_arn.as_str())
        {
            v.retain(|kept| !Arc::ptr_eq(kept, r));
        }
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
