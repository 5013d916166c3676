//! RedriveExecution: eligibility (with AWS's `redriveStatusReason` texts), clientToken
//! idempotency, and restarting the execution where it stopped.

use super::error::ApiError;
use super::launch::Start;
use super::service::StepFunctions;
use super::types::{RedriveExecutionInput, RedriveExecutionOutput};
use crate::runtime::ExecutionRecord;
use crate::types::{ExecutionProgress, ExecutionSummary};
use crate::types::{ExecutionStatus, StateMachineType};
use chrono::{DateTime, Duration, Utc};

/// AWS: an execution can be redriven for 14 days after it stopped.
pub const REDRIVABLE_PERIOD_DAYS: i64 = 14;
/// AWS: a STANDARD execution is open for at most one year.
pub const MAX_OPEN_DAYS: i64 = 365;
/// AWS: the last 10 clientTokens are remembered for 15 minutes.
const TOKENS_KEPT: usize = 10;
const TOKEN_MINUTES: i64 = 15;

const EXPRESS: &str = "Execution is an EXPRESS execution and cannot be redriven";

pub const DELETING: &str = "State machine is in DELETING status";

/// Why the execution cannot be redriven now, in AWS's words; `None` if it can. Without a
/// time, the time-bound rules are not judged.
pub fn not_redrivable(
    r: &ExecutionRecord,
    p: &ExecutionSummary,
    now: Option<DateTime<Utc>>,
    history_limit: usize,
) -> Option<&'static str> {
    if r.machine_type == StateMachineType::EXPRESS {
        return Some(EXPRESS);
    }
    match p.status {
        ExecutionStatus::RUNNING | ExecutionStatus::PENDING_REDRIVE => {
            return Some("Execution is RUNNING and cannot be redriven")
        }
        ExecutionStatus::SUCCEEDED => return Some("Execution is SUCCEEDED and cannot be redriven"),
        _ => {}
    }
    if p.history_len >= history_limit.saturating_sub(1) {
        return Some("Execution history event limit exceeded");
    }
    if let Some(now) = now {
        if now - r.start_date > Duration::days(MAX_OPEN_DAYS) {
            return Some("Execution has exceeded the max execution time");
        }
        if p.stop_date
            .is_some_and(|stop| now - stop > Duration::days(REDRIVABLE_PERIOD_DAYS))
        {
            return Some("Execution redrivable period exceeded");
        }
    }
    None
}

impl StepFunctions {
    /// RedriveExecution: continues an unsuccessful STANDARD execution where it stopped.
    pub fn redrive_execution(
        &self,
        req: RedriveExecutionInput,
    ) -> Result<RedriveExecutionOutput, ApiError> {
        if req
            .execution_arn
            .parse::<crate::types::arn::ExecutionArn>()?
            .is_express()
        {
            return Err(ApiError::ExecutionNotRedrivable(EXPRESS.into()));
        }
        let record = self.execution(&req.execution_arn)?;
        if self
            .service
            .map_runs
            .child(record.execution_arn.as_str())
            .is_some()
        {
            return Err(ApiError::ExecutionNotRedrivable(
                "A child execution of a Map Run is redriven by redriving its parent execution"
                    .into(),
            ));
        }
        if let Some(t) = &req.client_token {
            if t.is_empty() || t.len() > 64 || !t.is_ascii() {
                return Err(ApiError::ValidationException(
                    "1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 64".into(),
                ));
            }
        }
        let now = self.service.clock.now();
        let sm_exists = self
            .service
            .state_machines
            .contains_key(record.state_machine_arn.as_str());
        let launch = self
            .service
            .launches
            .get(record.execution_arn.as_str())
            .map(|l| l.clone());
        let redrive_count = record.with_progress(|p| {
            if let Some(t) = &req.client_token {
                p.redrive_tokens
                    .retain(|(_, at)| now - *at <= Duration::minutes(TOKEN_MINUTES));
                if p.redrive_tokens.iter().any(|(k, _)| k == t) {
                    return Ok(None);
                }
            }
            if let Some(reason) = not_redrivable(
                &record,
                &summary_of(p),
                Some(now),
                self.service.history_limit,
            ) {
                return Err(ApiError::ExecutionNotRedrivable(reason.into()));
            }
            if !sm_exists {
                return Err(ApiError::ExecutionNotRedrivable(DELETING.into()));
            }
            let Some(launch) = launch.as_ref().filter(|_| p.resume.is_some()) else {
                return Err(ApiError::ExecutionNotRedrivable(
                    "Execution has no unsuccessful state to redrive".into(),
                ));
            };
            self.connect_log(&record, launch)?;
            p.status = ExecutionStatus::PENDING_REDRIVE;
            p.begin_redrive(now);
            if let Some(t) = &req.client_token {
                p.redrive_tokens.push((t.clone(), now));
                if p.redrive_tokens.len() > TOKENS_KEPT {
                    p.redrive_tokens.remove(0);
                }
            }
            Ok(Some(p.redrive_count))
        })?;
        let Some(redrive_count) = redrive_count else {
            // The same clientToken again: the same answer, nothing restarted.
            let date = record.summary().redrive_date.unwrap_or(now);
            return Ok(RedriveExecutionOutput { redrive_date: date });
        };
        let launch = launch.expect("checked above");
        if let Some(j) = record.journal() {
            j.redriven(redrive_count, now, req.client_token.as_deref());
        }
        let resume = record.with_progress(|p| p.resume.take()).map(|r| *r);
        record.mark_running();
        self.count_start(record.state_machine_arn.as_str(), true);
        self.spawn_execution(
            &record,
            launch,
            Start {
                resume,
                redrive_count,
                recovering: None,
                redrive_announced: false,
            },
        );
        Ok(RedriveExecutionOutput { redrive_date: now })
    }
}

fn summary_of(p: &ExecutionProgress) -> ExecutionSummary {
    ExecutionSummary {
        status: p.status,
        error: None,
        cause: None,
        stop_date: p.stop_date,
        history_len: p.history.len(),
        redrive_count: p.redrive_count,
        redrive_date: p.redrive_date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(machine_type: StateMachineType, start: DateTime<Utc>) -> ExecutionRecord {
        let arn = "arn:aws:states:us-east-1:123456789012:execution:m:e";
        let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
        ExecutionRecord::new(
            arn.parse().unwrap(),
            machine.parse().unwrap(),
            "e".parse().unwrap(),
            json!({}),
            start,
            machine_type,
        )
    }

    fn ended(status: ExecutionStatus, stop: DateTime<Utc>, history_len: usize) -> ExecutionSummary {
        ExecutionSummary {
            status,
            error: None,
            cause: None,
            stop_date: Some(stop),
            history_len,
            redrive_count: 0,
            redrive_date: None,
        }
    }

    #[test]
    fn failed_aborted_and_timed_out_standard_executions_are_redrivable() {
        let start = Utc::now();
        let r = record(StateMachineType::STANDARD, start);
        for status in [
            ExecutionStatus::FAILED,
            ExecutionStatus::ABORTED,
            ExecutionStatus::TIMED_OUT,
        ] {
            let p = ended(status, start + Duration::hours(1), 10);
            assert_eq!(
                not_redrivable(&r, &p, Some(start + Duration::days(1)), 25_000),
                None
            );
        }
    }

    #[test]
    fn each_rule_gives_aws_reason() {
        let start = Utc::now();
        let standard = record(StateMachineType::STANDARD, start);
        let stop = start + Duration::hours(1);
        let failed = ended(ExecutionStatus::FAILED, stop, 10);
        let express = record(StateMachineType::EXPRESS, start);
        assert_eq!(
            not_redrivable(&express, &failed, None, 25_000),
            Some("Execution is an EXPRESS execution and cannot be redriven")
        );
        for (status, reason) in [
            (
                ExecutionStatus::RUNNING,
                "Execution is RUNNING and cannot be redriven",
            ),
            (
                ExecutionStatus::PENDING_REDRIVE,
                "Execution is RUNNING and cannot be redriven",
            ),
            (
                ExecutionStatus::SUCCEEDED,
                "Execution is SUCCEEDED and cannot be redriven",
            ),
        ] {
            let p = ended(status, stop, 10);
            assert_eq!(not_redrivable(&standard, &p, None, 25_000), Some(reason));
        }
        // Room for ExecutionRedriven must be left under the limit.
        let full = ended(ExecutionStatus::FAILED, stop, 24_999);
        assert_eq!(
            not_redrivable(&standard, &full, None, 25_000),
            Some("Execution history event limit exceeded")
        );
        let almost = ended(ExecutionStatus::FAILED, stop, 24_998);
        assert_eq!(not_redrivable(&standard, &almost, None, 25_000), None);
    }

    #[test]
    fn time_bound_rules_are_judged_only_with_a_time() {
        let start = Utc::now();
        let r = record(StateMachineType::STANDARD, start);
        let stop = start + Duration::hours(1);
        let p = ended(ExecutionStatus::FAILED, stop, 10);
        let day = Duration::days(1);
        let late = stop + Duration::days(REDRIVABLE_PERIOD_DAYS) + day;
        assert_eq!(
            not_redrivable(&r, &p, Some(late), 25_000),
            Some("Execution redrivable period exceeded")
        );
        let on_time = stop + Duration::days(REDRIVABLE_PERIOD_DAYS) - day;
        assert_eq!(not_redrivable(&r, &p, Some(on_time), 25_000), None);
        let year = start + Duration::days(MAX_OPEN_DAYS) + day;
        assert_eq!(
            not_redrivable(&r, &p, Some(year), 25_000),
            Some("Execution has exceeded the max execution time")
        );
        assert_eq!(not_redrivable(&r, &p, None, 25_000), None);
    }
}
