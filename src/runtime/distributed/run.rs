//! A Map Run while its Distributed Map state runs: the run's record, how many of its items
//! failed, and where its children's results go.

use super::map_run::MapRunRecord;
use super::results::files::ResultSink;
use crate::data::StatesError;
use crate::objects::ObjectStore;
use crate::runtime::fanout::ResultTable;
use crate::types::{ChildEnd, ChildResult};
use std::collections::HashMap;
use std::sync::Arc;

/// The Map Run of the current state, beside its fan-out in the parent's position.
pub(crate) struct MapRunState {
    pub(crate) record: Arc<MapRunRecord>,
    /// Items whose child execution failed, counted against the run's tolerance.
    pub(crate) failures: u64,
    /// Whole execution results (JSON text) of children, where the ResultWriter needs them
    /// and writes no files.
    pub(crate) wholes: HashMap<u32, String>,
    /// The result files of the ResultWriter, written as children finish.
    pub(crate) sink: Option<ResultSink>,
}

impl MapRunState {
    pub(crate) fn new(record: Arc<MapRunRecord>) -> Self {
        MapRunState {
            record,
            failures: 0,
            wholes: HashMap::new(),
            sink: None,
        }
    }

    /// How many children may run at once (UpdateMapRun may change it while the run runs).
    pub(crate) fn window(&self) -> usize {
        super::window(&self.record.config())
    }

    /// Child `index` starts: counted, and given the run it belongs to.
    pub(crate) fn child_starting(&self, index: u32) -> Arc<MapRunRecord> {
        self.record.child_started(self.record.items_of(index));
        Arc::clone(&self.record)
    }

    /// Child `index` had succeeded before the process restarted: a continued run counts it
    /// anew, and writes its result again (results written before were never committed).
    pub(crate) fn recovered(
        &mut self,
        table: &mut ResultTable,
        index: u32,
        entry: ChildResult,
        store: &Arc<dyn ObjectStore>,
        limit: u64,
    ) -> Result<(), StatesError> {
        let items = self.record.items_of(index);
        self.record.child_started(items);
        self.record.child_ended(items, ChildEnd::Succeeded);
        self.keep_result(table, index, entry, false, store, limit)
    }
}
