//! Executions that were running when the process that ran them died: continued where
//! they were, at once or when [`StepFunctions::resume_execution`] names them, or stopped
//! without running again.

use super::error::ApiError;
use super::launch::{Continue, Launch, Orphan, Start};
use super::service::StepFunctions;
use crate::runtime::ExecutionRecord;
use crate::types::ExecutionStatus;
use std::sync::Arc;

impl StepFunctions {
    pub(super) fn continue_orphan(
        &self,
        record: &Arc<ExecutionRecord>,
        launch: Arc<Launch>,
        orphan: Orphan,
    ) -> Result<(), ApiError> {
        self.connect_log(record, &launch)?;
        record.with_progress(|p| p.status = ExecutionStatus::RUNNING);
        let (recovering, redrive_announced) = match orphan.how {
            Continue::Inside(recovered) => (Some(recovered), false),
            Continue::Redrive { announced } => (None, announced),
        };
        self.spawn_execution(
            record,
            launch,
            Start {
                resume: Some(orphan.resume),
                redrive_count: orphan.redrive_count,
                recovering,
                redrive_announced,
            },
        );
        Ok(())
    }

    /// Continues an execution that was RUNNING when the process that ran it died, from the
    /// top-level state it was in (tasks in flight run again: at-least-once). Not an AWS
    /// operation: AWS never loses a running execution. `ExecutionDoesNotExist` if unknown,
    /// `ValidationException` if it is not waiting to be continued.
    pub fn resume_execution(&self, execution_arn: &str) -> Result<Arc<ExecutionRecord>, ApiError> {
        let record = self.execution(execution_arn)?;
        let Some((launch, orphan)) = self.take_orphan(&record)? else {
            return Err(ApiError::ValidationException(format!(
                "Execution '{}' is {} and is not waiting to be resumed",
                record.execution_arn,
                record.status().as_str()
            )));
        };
        self.continue_orphan(&record, launch, orphan)?;
        Ok(record)
    }

    /// StopExecution of an execution that waits to be resumed: nothing runs it, so the
    /// abort is recorded here, as its actor would record it, and a redrive continues it at
    /// the state it was in. `false` if it was not waiting.
    pub(crate) fn stop_orphan(
        &self,
        record: &ExecutionRecord,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<bool, ApiError> {
        let Some((_, orphan)) = self.take_orphan(record)? else {
            return Ok(false);
        };
        let now = self.service.clock.now();
        let error = crate::data::StatesError {
            error: error.unwrap_or_default(),
            cause,
        };
        let details = crate::runtime::history::error_details(Some(&error)).to_string();
        record.final_event(
            crate::types::HistoryEventType::ExecutionAborted,
            0,
            now,
            Some(details),
            ExecutionStatus::ABORTED,
        );
        record.with_progress(|p| {
            p.error = Some(error.error).filter(|e| !e.is_empty());
            p.cause = error.cause;
            p.stop_date = Some(now);
            p.resume = Some(Box::new(orphan.resume));
            if let Some(j) = record.journal() {
                j.ended(p);
            }
        });
        record.mark_done();
        Ok(true)
    }

    /// Takes an execution that waits to be resumed out of waiting, its log opened for what
    /// comes next; `None` if it is not waiting. A log that cannot be opened leaves it
    /// waiting.
    fn take_orphan(
        &self,
        record: &ExecutionRecord,
    ) -> Result<Option<(Arc<Launch>, Orphan)>, ApiError> {
        let arn = record.execution_arn.as_str();
        if !self.service.orphans.contains_key(arn) {
            return Ok(None);
        }
        let Some(launch) = self.service.launches.get(arn).map(|l| l.clone()) else {
            return Ok(None);
        };
        self.connect_log(record, &launch)?;
        Ok(self
            .service
            .orphans
            .remove(arn)
            .map(|(_, orphan)| (launch, orphan)))
    }
}
