//! History events as GetExecutionHistory returns them, and the closed set of their types.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;

/// Declares [`HistoryEventType`] from AWS's list, each type with the name of its
/// `...EventDetails` member, so that the name, the details key and parsing cannot drift
/// apart.
macro_rules! event_types {
    ($($name:ident => $details:expr,)*) => {
        /// `HistoryEventType` of the API: every type AWS defines, and no other. Its
        /// [`Display`](fmt::Display) is the AWS name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum HistoryEventType {
            $($name,)*
        }

        impl HistoryEventType {
            /// Every event type, in the API model's order.
            pub const ALL: &'static [HistoryEventType] = &[$(HistoryEventType::$name,)*];

            /// The AWS name (`TaskStateEntered`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(HistoryEventType::$name => stringify!($name),)*
                }
            }

            /// The history event's member that holds this type's details
            /// (`stateEnteredEventDetails`), if the type has any.
            pub fn details_key(self) -> Option<&'static str> {
                match self {
                    $(HistoryEventType::$name => $details,)*
                }
            }
        }

        impl FromStr for HistoryEventType {
            type Err = UnknownEventType;

            fn from_str(s: &str) -> Result<Self, UnknownEventType> {
                match s {
                    $(stringify!($name) => Ok(HistoryEventType::$name),)*
                    _ => Err(UnknownEventType(s.to_string())),
                }
            }
        }
    };
}

const ENTERED: Option<&str> = Some("stateEnteredEventDetails");
const EXITED: Option<&str> = Some("stateExitedEventDetails");

event_types! {
    ActivityFailed => Some("activityFailedEventDetails"),
    ActivityScheduled => Some("activityScheduledEventDetails"),
    ActivityScheduleFailed => Some("activityScheduleFailedEventDetails"),
    ActivityStarted => Some("activityStartedEventDetails"),
    ActivitySucceeded => Some("activitySucceededEventDetails"),
    ActivityTimedOut => Some("activityTimedOutEventDetails"),
    ChoiceStateEntered => ENTERED,
    ChoiceStateExited => EXITED,
    ExecutionAborted => Some("executionAbortedEventDetails"),
    ExecutionFailed => Some("executionFailedEventDetails"),
    ExecutionStarted => Some("executionStartedEventDetails"),
    ExecutionSucceeded => Some("executionSucceededEventDetails"),
    ExecutionTimedOut => Some("executionTimedOutEventDetails"),
    FailStateEntered => ENTERED,
    LambdaFunctionFailed => Some("lambdaFunctionFailedEventDetails"),
    LambdaFunctionScheduled => Some("lambdaFunctionScheduledEventDetails"),
    LambdaFunctionScheduleFailed => Some("lambdaFunctionScheduleFailedEventDetails"),
    LambdaFunctionStarted => None,
    LambdaFunctionStartFailed => Some("lambdaFunctionStartFailedEventDetails"),
    LambdaFunctionSucceeded => Some("lambdaFunctionSucceededEventDetails"),
    LambdaFunctionTimedOut => Some("lambdaFunctionTimedOutEventDetails"),
    MapIterationAborted => Some("mapIterationAbortedEventDetails"),
    MapIterationFailed => Some("mapIterationFailedEventDetails"),
    MapIterationStarted => Some("mapIterationStartedEventDetails"),
    MapIterationSucceeded => Some("mapIterationSucceededEventDetails"),
    MapStateAborted => None,
    MapStateEntered => ENTERED,
    MapStateExited => EXITED,
    MapStateFailed => None,
    MapStateStarted => Some("mapStateStartedEventDetails"),
    MapStateSucceeded => None,
    ParallelStateAborted => None,
    ParallelStateEntered => ENTERED,
    ParallelStateExited => EXITED,
    ParallelStateFailed => None,
    ParallelStateStarted => None,
    ParallelStateSucceeded => None,
    PassStateEntered => ENTERED,
    PassStateExited => EXITED,
    SucceedStateEntered => ENTERED,
    SucceedStateExited => EXITED,
    TaskFailed => Some("taskFailedEventDetails"),
    TaskScheduled => Some("taskScheduledEventDetails"),
    TaskStarted => Some("taskStartedEventDetails"),
    TaskStartFailed => Some("taskStartFailedEventDetails"),
    TaskStateAborted => None,
    TaskStateEntered => ENTERED,
    TaskStateExited => EXITED,
    TaskSubmitFailed => Some("taskSubmitFailedEventDetails"),
    TaskSubmitted => Some("taskSubmittedEventDetails"),
    TaskSucceeded => Some("taskSucceededEventDetails"),
    TaskTimedOut => Some("taskTimedOutEventDetails"),
    WaitStateAborted => None,
    WaitStateEntered => ENTERED,
    WaitStateExited => EXITED,
    MapRunAborted => None,
    MapRunFailed => Some("mapRunFailedEventDetails"),
    MapRunStarted => Some("mapRunStartedEventDetails"),
    MapRunSucceeded => None,
    ExecutionRedriven => Some("executionRedrivenEventDetails"),
    MapRunRedriven => Some("mapRunRedrivenEventDetails"),
    EvaluationFailed => Some("evaluationFailedEventDetails"),
}

impl fmt::Display for HistoryEventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of AWS's history event types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a history event type")]
pub struct UnknownEventType(pub String);

/// One history event. `details` is the event's `...EventDetails` member, keyed by AWS's
/// field name (`stateEnteredEventDetails`), kept as JSON text: it is written once per
/// event, read rarely, and the durable store copies it as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    /// When it happened.
    pub timestamp: DateTime<Utc>,
    /// What happened.
    pub event_type: HistoryEventType,
    /// 1, 2, 3, ... in the execution's history (a history is bounded far below `u32`'s
    /// range; the narrower ids keep a long history's events small).
    pub id: u32,
    /// The event this one follows from (0 for the first).
    pub previous_event_id: u32,
    /// The details' JSON text; the member it goes in is named by the event type
    /// ([`HistoryEventType::details_key`]).
    pub details: Option<std::sync::Arc<str>>,
}

/// An event id as events keep it (ids past `u32::MAX` cannot occur: histories are bounded).
pub fn event_id(id: u64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

impl HistoryEvent {
    /// The event in AWS's JSON shape (dates as epoch seconds, as the JSON protocol sends).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "timestamp".into(),
            Value::from(self.timestamp.timestamp_millis() as f64 / 1000.0),
        );
        m.insert("type".into(), Value::from(self.event_type.as_str()));
        m.insert("id".into(), Value::from(self.id));
        m.insert(
            "previousEventId".into(),
            Value::from(self.previous_event_id),
        );
        if let (Some(k), Some(v)) = (self.event_type.details_key(), &self.details) {
            m.insert(k.into(), serde_json::from_str(v).unwrap_or(Value::Null));
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_reads_back_from_its_name() {
        assert_eq!(HistoryEventType::ALL.len(), 62);
        for t in HistoryEventType::ALL {
            assert_eq!(t.to_string().parse::<HistoryEventType>(), Ok(*t));
        }
        assert!("PassStateAborted".parse::<HistoryEventType>().is_err());
    }

    #[test]
    fn details_members_follow_the_type() {
        use HistoryEventType::*;
        assert_eq!(
            TaskStateEntered.details_key(),
            Some("stateEnteredEventDetails")
        );
        assert_eq!(
            MapStateExited.details_key(),
            Some("stateExitedEventDetails")
        );
        assert_eq!(
            ExecutionRedriven.details_key(),
            Some("executionRedrivenEventDetails")
        );
        assert_eq!(ParallelStateStarted.details_key(), None);
    }
}
