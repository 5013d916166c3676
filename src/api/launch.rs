//! What an execution is started with, kept so that a redrive or a restart starts it the
//! same way.

use crate::asl::StateMachine;
use crate::runtime::mock::MockCase;
use crate::types::{RecoveredFanOut, ResumePoint};
use std::sync::Arc;

/// What an execution was started with; a redrive reuses it.
#[derive(Clone)]
pub struct Launch {
    pub machine: Arc<StateMachine>,
    /// The definition's text (DescribeStateMachineForExecution shows it).
    pub definition: Arc<str>,
    /// The state machine's revision when the execution started, and when it was last
    /// updated (none if it never was, and for an execution read back from disk).
    pub revision: Option<(String, chrono::DateTime<chrono::Utc>)>,
    pub state_machine_name: Arc<str>,
    pub role_arn: Arc<str>,
    pub mocks: Option<MockCase>,
    /// The object store it runs against, where it is not the service's (it was recorded
    /// with another objects directory).
    pub objects: Option<Arc<dyn crate::objects::ObjectStore>>,
    /// Its log in the data directory and the length of the log's whole records, for one
    /// restored without its log open: opened when the execution next writes.
    pub stored_log: Option<(std::path::PathBuf, u64)>,
    /// The environment its executions share, once the first has made it.
    pub environment: crate::runtime::SharedEnvironment,
}

/// How an execution's root actor starts.
pub(crate) struct Start {
    /// Where it continues (a redrive or a restart), or `None` for a new execution.
    pub resume: Option<ResumePoint>,
    pub redrive_count: u32,
    /// Continuing a run the process lost (no ExecutionRedriven), with the children its
    /// fan-out had completed.
    pub recovering: Option<Option<RecoveredFanOut>>,
    /// A redrive whose ExecutionRedriven event is already recorded.
    pub redrive_announced: bool,
}

/// An execution found RUNNING in the data directory and not continued yet.
pub(crate) struct Orphan {
    pub(crate) resume: ResumePoint,
    pub(crate) redrive_count: u32,
    pub(crate) how: Continue,
}

/// How an execution the process lost goes on.
pub(crate) enum Continue {
    /// Inside the state it was in, with the children its fan-out had completed.
    Inside(Option<RecoveredFanOut>),
    /// A redrive that had not entered its state again starts over, announced by
    /// ExecutionRedriven unless that is recorded already.
    Redrive { announced: bool },
}
