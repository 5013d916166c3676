//! Execution history events, as GetExecutionHistory returns them.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// One history event. `details` is the event's `...EventDetails` member, keyed by AWS's
/// field name (`stateEnteredEventDetails`), kept as JSON text: it is written once per
/// event, read rarely, and the durable store copies it as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    pub timestamp: DateTime<Utc>,
    pub event_type: &'static str,
    pub id: u64,
    pub previous_event_id: u64,
    pub details: Option<(&'static str, std::sync::Arc<str>)>,
}

impl HistoryEvent {
    /// The event in AWS's JSON shape (dates as epoch seconds, as the JSON protocol sends).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "timestamp".into(),
            Value::from(self.timestamp.timestamp_millis() as f64 / 1000.0),
        );
        m.insert("type".into(), Value::from(self.event_type));
        m.insert("id".into(), Value::from(self.id));
        m.insert(
            "previousEventId".into(),
            Value::from(self.previous_event_id),
        );
        if let Some((k, v)) = &self.details {
            m.insert((*k).into(), serde_json::from_str(v).unwrap_or(Value::Null));
        }
        Value::Object(m)
    }
}

/// The details of an execution's or a state's failure or abort: the error (unless empty)
/// and the cause.
pub fn error_details(e: Option<&crate::data::StatesError>) -> Value {
    let mut d = Map::new();
    if let Some(e) = e {
        if !e.error.is_empty() {
            d.insert("error".into(), Value::from(e.error.as_str()));
        }
        if let Some(c) = &e.cause {
            d.insert("cause".into(), Value::from(c.as_str()));
        }
    }
    Value::Object(d)
}

/// The name of the `...EventDetails` member for an event type (`TaskStateEntered` →
/// `stateEnteredEventDetails`).
pub fn details_key(event_type: &str) -> &'static str {
    for (suffix, key) in [
        ("StateEntered", "stateEnteredEventDetails"),
        ("StateExited", "stateExitedEventDetails"),
    ] {
        if event_type.ends_with(suffix) {
            return key;
        }
    }
    match event_type {
        "ExecutionStarted" => "executionStartedEventDetails",
        "ExecutionSucceeded" => "executionSucceededEventDetails",
        "ExecutionFailed" => "executionFailedEventDetails",
        "ExecutionAborted" => "executionAbortedEventDetails",
        "ExecutionTimedOut" => "executionTimedOutEventDetails",
        "ExecutionRedriven" => "executionRedrivenEventDetails",
        "TaskScheduled" => "taskScheduledEventDetails",
        "TaskStarted" => "taskStartedEventDetails",
        "TaskSubmitted" => "taskSubmittedEventDetails",
        "TaskSucceeded" => "taskSucceededEventDetails",
        "TaskFailed" => "taskFailedEventDetails",
        "TaskTimedOut" => "taskTimedOutEventDetails",
        "LambdaFunctionScheduled" => "lambdaFunctionScheduledEventDetails",
        "LambdaFunctionSucceeded" => "lambdaFunctionSucceededEventDetails",
        "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
        "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
        "ActivityScheduled" => "activityScheduledEventDetails",
        "ActivityStarted" => "activityStartedEventDetails",
        "ActivitySucceeded" => "activitySucceededEventDetails",
        "ActivityFailed" => "activityFailedEventDetails",
        "ActivityTimedOut" => "activityTimedOutEventDetails",
        "MapStateStarted" => "mapStateStartedEventDetails",
        "MapIterationStarted" => "mapIterationStartedEventDetails",
        "MapIterationSucceeded" => "mapIterationSucceededEventDetails",
        "MapIterationFailed" => "mapIterationFailedEventDetails",
        "MapIterationAborted" => "mapIterationAbortedEventDetails",
        _ => "",
    }
}

/// `{Type}StateAborted`: the state was running in a branch or iteration that was aborted.
pub fn state_aborted_event(type_name: &str) -> &'static str {
    match type_name {
        "Pass" => "PassStateAborted",
        "Task" => "TaskStateAborted",
        "Choice" => "ChoiceStateAborted",
        "Wait" => "WaitStateAborted",
        "Succeed" => "SucceedStateAborted",
        "Fail" => "FailStateAborted",
        "Parallel" => "ParallelStateAborted",
        _ => "MapStateAborted",
    }
}

/// `{Type}StateEntered` / `{Type}StateExited` for a state type name.
pub fn state_event(type_name: &str, entered: bool) -> &'static str {
    match (type_name, entered) {
        ("Pass", true) => "PassStateEntered",
        ("Pass", false) => "PassStateExited",
        ("Task", true) => "TaskStateEntered",
        ("Task", false) => "TaskStateExited",
        ("Choice", true) => "ChoiceStateEntered",
        ("Choice", false) => "ChoiceStateExited",
        ("Wait", true) => "WaitStateEntered",
        ("Wait", false) => "WaitStateExited",
        ("Succeed", true) => "SucceedStateEntered",
        ("Succeed", false) => "SucceedStateExited",
        ("Fail", true) => "FailStateEntered",
        ("Fail", false) => "FailStateExited",
        ("Parallel", true) => "ParallelStateEntered",
        ("Parallel", false) => "ParallelStateExited",
        ("Map", true) => "MapStateEntered",
        (_, _) => "MapStateExited",
    }
}

/// The phases of a task, whose event names depend on the resource family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPhase {
    Scheduled,
    Started,
    Submitted,
    Succeeded,
    Failed,
    TimedOut,
}

/// `LambdaFunctionScheduled`, `ActivityFailed`, `TaskSubmitted`, ...
pub fn task_event(prefix: &str, phase: TaskPhase) -> &'static str {
    use TaskPhase::*;
    match (prefix, phase) {
        ("LambdaFunction", Scheduled) => "LambdaFunctionScheduled",
        ("LambdaFunction", Started) => "LambdaFunctionStarted",
        ("LambdaFunction", Succeeded) => "LambdaFunctionSucceeded",
        ("LambdaFunction", Failed) => "LambdaFunctionFailed",
        ("LambdaFunction", TimedOut) => "LambdaFunctionTimedOut",
        ("Activity", Scheduled) => "ActivityScheduled",
        ("Activity", Started) => "ActivityStarted",
        ("Activity", Succeeded) => "ActivitySucceeded",
        ("Activity", Failed) => "ActivityFailed",
        ("Activity", TimedOut) => "ActivityTimedOut",
        (_, Scheduled) => "TaskScheduled",
        (_, Started) => "TaskStarted",
        (_, Submitted) => "TaskSubmitted",
        (_, Succeeded) => "TaskSucceeded",
        (_, Failed) => "TaskFailed",
        (_, TimedOut) => "TaskTimedOut",
    }
}

/// Every event type this runtime records, for mapping stored names back.
const KNOWN: &[&str] = &[
    "ExecutionStarted",
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionAborted",
    "ExecutionTimedOut",
    "ExecutionRedriven",
    "PassStateEntered",
    "PassStateExited",
    "PassStateAborted",
    "TaskStateEntered",
    "TaskStateExited",
    "TaskStateAborted",
    "ChoiceStateEntered",
    "ChoiceStateExited",
    "ChoiceStateAborted",
    "WaitStateEntered",
    "WaitStateExited",
    "WaitStateAborted",
    "SucceedStateEntered",
    "SucceedStateExited",
    "SucceedStateAborted",
    "FailStateEntered",
    "FailStateExited",
    "FailStateAborted",
    "ParallelStateEntered",
    "ParallelStateExited",
    "ParallelStateAborted",
    "ParallelStateStarted",
    "ParallelStateSucceeded",
    "ParallelStateFailed",
    "MapStateEntered",
    "MapStateExited",
    "MapStateAborted",
    "MapStateStarted",
    "MapStateSucceeded",
    "MapStateFailed",
    "MapIterationStarted",
    "MapIterationSucceeded",
    "MapIterationFailed",
    "MapIterationAborted",
    "TaskScheduled",
    "TaskStarted",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskFailed",
    "TaskTimedOut",
    "LambdaFunctionScheduled",
    "LambdaFunctionStarted",
    "LambdaFunctionSucceeded",
    "LambdaFunctionFailed",
    "LambdaFunctionTimedOut",
    "ActivityScheduled",
    "ActivityStarted",
    "ActivitySucceeded",
    "ActivityFailed",
    "ActivityTimedOut",
];

/// The static name of a known event type.
pub fn known_event_type(name: &str) -> Option<&'static str> {
    KNOWN.iter().copied().find(|k| *k == name)
}

/// `{"name": ..., "<key>": "<value as JSON text>", "<key>Details": {"truncated": false}}`:
/// the details of StateEntered (`input`) and StateExited (`output`) events, written
/// directly as text (these are most of a history).
pub fn io_details(name: &str, key: &str, value: &Value) -> String {
    let inner = value.to_string();
    let mut out = String::with_capacity(inner.len() + inner.len() / 8 + name.len() + 64);
    out.push_str("{\"name\":");
    push_json_string(&mut out, name);
    out.push_str(",\"");
    out.push_str(key);
    out.push_str("\":");
    push_json_string(&mut out, &inner);
    out.push_str(",\"");
    out.push_str(key);
    out.push_str("Details\":{\"truncated\":false}}");
    out
}

/// StateExited details of a state that assigned variables: each value as JSON text, as
/// AWS lists them in `assignedVariables`.
pub fn exited_details(
    name: &str,
    output: &Value,
    assigned: &serde_json::Map<String, Value>,
) -> String {
    let mut out = io_details(name, "output", output);
    out.pop();
    out.push_str(",\"assignedVariables\":{");
    for (i, (k, v)) in assigned.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, k);
        out.push(':');
        push_json_string(&mut out, &v.to_string());
    }
    out.push_str("},\"assignedVariablesDetails\":{\"truncated\":false}}");
    out
}

/// Appends `s` as a JSON string literal.
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exited_details_list_assigned_variables_as_json_text() {
        let assigned = json!({"x": {"a": [1]}, "s": "t"});
        let text = exited_details("S", &json!(1), assigned.as_object().unwrap());
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed,
            json!({"name": "S", "output": "1", "outputDetails": {"truncated": false},
                   "assignedVariables": {"x": "{\"a\":[1]}", "s": "\"t\""},
                   "assignedVariablesDetails": {"truncated": false}})
        );
    }

    #[test]
    fn io_details_are_the_json_aws_writes() {
        let v = json!({"a": "q\"uote\n", "b": [1, null]});
        let text = io_details("S\\1", "input", &v);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed,
            json!({"name": "S\\1", "input": v.to_string(), "inputDetails": {"truncated": false}})
        );
        let mut s = String::new();
        push_json_string(&mut s, "\u{1}x\t");
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), "\u{1}x\t");
    }
}
