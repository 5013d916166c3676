//! The per-index result table of a fan-out: a status byte per branch or iteration, and
//! outputs stored once (the error of a failed child goes up with it, not into the table). This is the unit a snapshot
//! records and a redrive reads: succeeded children keep their outputs, the others run again.

use serde_json::Value;

/// Where one child stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ChildStatus {
    NotStarted,
    Running,
    Succeeded,
    Failed,
    Aborted,
}

/// Per-index results of a fan-out.
#[derive(Debug, Clone, Default)]
pub struct ResultTable {
    status: Vec<ChildStatus>,
    /// Empty until an output is kept: a Map Run whose results go to files keeps none, and
    /// its table costs a byte per child.
    outputs: Vec<Option<Value>>,
}

impl ResultTable {
    pub fn new(n: usize) -> Self {
        ResultTable {
            status: vec![ChildStatus::NotStarted; n],
            outputs: Vec::new(),
        }
    }

    fn set_output(&mut self, i: u32, output: Value) {
        if self.outputs.is_empty() {
            self.outputs.resize(self.status.len(), None);
        }
        self.outputs[i as usize] = Some(output);
    }

    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn status(&self, i: u32) -> ChildStatus {
        self.status[i as usize]
    }

    pub fn set_running(&mut self, i: u32) {
        self.status[i as usize] = ChildStatus::Running;
    }

    pub fn succeed(&mut self, i: u32, output: Value) {
        self.status[i as usize] = ChildStatus::Succeeded;
        self.set_output(i, output);
    }

    /// A child succeeded whose output is kept elsewhere.
    pub fn mark_succeeded(&mut self, i: u32) {
        self.status[i as usize] = ChildStatus::Succeeded;
    }

    pub fn fail(&mut self, i: u32) {
        self.status[i as usize] = ChildStatus::Failed;
    }

    /// A failure the fan-out tolerates (a Distributed Map under its failure threshold):
    /// `result` stands in the child's place in the output.
    pub fn fail_tolerated(&mut self, i: u32, result: Value) {
        self.fail(i);
        self.set_output(i, result);
    }

    pub fn abort(&mut self, i: u32) {
        self.status[i as usize] = ChildStatus::Aborted;
    }

    /// The outputs in index order, once every child has one.
    pub fn into_outputs(self) -> Option<Vec<Value>> {
        if self.outputs.is_empty() && !self.status.is_empty() {
            return None;
        }
        self.outputs.into_iter().collect()
    }

    /// A child's output (or a tolerated failure's result), if it has one.
    pub fn output(&self, i: u32) -> Option<&Value> {
        self.outputs.get(i as usize).and_then(Option::as_ref)
    }

    /// Takes a succeeded child's output out of the table.
    pub fn take_output(&mut self, i: u32) -> Option<Value> {
        self.outputs.get_mut(i as usize).and_then(Option::take)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn result_table_tracks_each_child() {
        let mut t = ResultTable::new(3);
        assert_eq!(t.status(1), ChildStatus::NotStarted);
        t.set_running(0);
        t.succeed(0, json!("a"));
        t.set_running(1);
        t.fail(1);
        t.abort(2);
        assert_eq!(t.status(0), ChildStatus::Succeeded);
        assert_eq!(t.status(1), ChildStatus::Failed);
        assert_eq!(t.status(2), ChildStatus::Aborted);
        assert!(t.clone().into_outputs().is_none());
        // A tolerated failure keeps its result in the output, in its place.
        let mut tolerated = ResultTable::new(2);
        tolerated.succeed(0, json!(1));
        tolerated.fail_tolerated(1, json!({"Error": "E"}));
        assert_eq!(tolerated.status(1), ChildStatus::Failed);
        assert_eq!(tolerated.output(1), Some(&json!({"Error": "E"})));
        let mut ok = ResultTable::new(2);
        ok.succeed(1, json!(2));
        ok.succeed(0, json!(1));
        assert_eq!(ok.into_outputs().unwrap(), vec![json!(1), json!(2)]);
    }
}
