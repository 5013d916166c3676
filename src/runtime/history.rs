//! Which history event a step records, and the details it writes.

use crate::asl::model::StateKind;
use crate::types::HistoryEventType::{self, *};
use dashmap::DashMap;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The details of a task's events that depend on its resource alone (TaskStarted,
/// TaskSubmitted): one text per resource, which every execution's history shares instead
/// of a copy each. There are as many as the definitions have resources.
#[derive(Default)]
pub struct SharedDetails(DashMap<Box<str>, [Option<Arc<str>>; 2]>);

/// Which of a resource's shared details.
#[derive(Debug, Clone, Copy)]
pub enum SharedDetail {
    /// TaskStarted.
    Started = 0,
    /// TaskSubmitted.
    Submitted = 1,
}

impl SharedDetails {
    /// The `which` details of tasks of `resource`, made by `make` the first time.
    pub fn get(
        &self,
        resource: &str,
        which: SharedDetail,
        make: impl FnOnce() -> String,
    ) -> Arc<str> {
        if let Some(d) = self.0.get(resource).and_then(|e| e[which as usize].clone()) {
            return d;
        }
        let mut e = self.0.entry(resource.into()).or_default();
        Arc::clone(e[which as usize].get_or_insert_with(|| make().into()))
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

/// `{Type}StateEntered` for a state type.
pub fn state_entered(kind: &StateKind) -> HistoryEventType {
    match kind {
        StateKind::Pass(_) => PassStateEntered,
        StateKind::Task(_) => TaskStateEntered,
        StateKind::Choice(_) => ChoiceStateEntered,
        StateKind::Wait(_) => WaitStateEntered,
        StateKind::Succeed => SucceedStateEntered,
        StateKind::Fail(_) => FailStateEntered,
        StateKind::Parallel(_) => ParallelStateEntered,
        StateKind::Map(_) => MapStateEntered,
    }
}

/// `{Type}StateExited` for a state type; a Fail state never exits.
pub fn state_exited(kind: &StateKind) -> Option<HistoryEventType> {
    Some(match kind {
        StateKind::Pass(_) => PassStateExited,
        StateKind::Task(_) => TaskStateExited,
        StateKind::Choice(_) => ChoiceStateExited,
        StateKind::Wait(_) => WaitStateExited,
        StateKind::Succeed => SucceedStateExited,
        StateKind::Fail(_) => return None,
        StateKind::Parallel(_) => ParallelStateExited,
        StateKind::Map(_) => MapStateExited,
    })
}

/// `{Type}StateAborted`: the state was running in a branch or iteration that was aborted.
/// AWS has the type only for the states that wait (a child seen at any other state is
/// between two of them).
pub fn state_aborted(kind: &StateKind) -> Option<HistoryEventType> {
    match kind {
        StateKind::Task(_) => Some(TaskStateAborted),
        StateKind::Wait(_) => Some(WaitStateAborted),
        StateKind::Parallel(_) => Some(ParallelStateAborted),
        StateKind::Map(_) => Some(MapStateAborted),
        _ => None,
    }
}

/// The phases of a task, whose event names depend on the resource family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPhase {
    /// The task was handed over to be run.
    Scheduled,
    /// The task began running.
    Started,
    /// A service integration accepted the request (only `TaskSubmitted` exists).
    Submitted,
    /// The task returned a result.
    Succeeded,
    /// The task ended with an error.
    Failed,
    /// The task ran past its TimeoutSeconds or missed a heartbeat.
    TimedOut,
}

/// `LambdaFunctionScheduled`, `ActivityFailed`, `TaskSubmitted`, ...
pub fn task_event(prefix: &str, phase: TaskPhase) -> HistoryEventType {
    use TaskPhase::*;
    match (prefix, phase) {
        ("LambdaFunction", Scheduled) => LambdaFunctionScheduled,
        ("LambdaFunction", Started) => LambdaFunctionStarted,
        ("LambdaFunction", Succeeded) => LambdaFunctionSucceeded,
        ("LambdaFunction", Failed) => LambdaFunctionFailed,
        ("LambdaFunction", TimedOut) => LambdaFunctionTimedOut,
        ("Activity", Scheduled) => ActivityScheduled,
        ("Activity", Started) => ActivityStarted,
        ("Activity", Succeeded) => ActivitySucceeded,
        ("Activity", Failed) => ActivityFailed,
        ("Activity", TimedOut) => ActivityTimedOut,
        (_, Scheduled) => TaskScheduled,
        (_, Started) => TaskStarted,
        (_, Submitted) => TaskSubmitted,
        (_, Succeeded) => TaskSucceeded,
        (_, Failed) => TaskFailed,
        (_, TimedOut) => TaskTimedOut,
    }
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
