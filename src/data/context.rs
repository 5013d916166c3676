//! The context object (`$$`): facts about the execution, the state, the task and the Map item.
//!
//! Built as JSON only when a `$$` path is evaluated, and then once per state, so states that
//! never read it pay nothing.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use std::cell::OnceCell;

/// Facts fixed for a whole execution.
#[derive(Debug, Clone)]
pub struct ExecutionInfo {
    /// The execution's ARN (`$$.Execution.Id`), shared with its record.
    pub id: std::sync::Arc<str>,
    /// The execution's name (`$$.Execution.Name`).
    pub name: String,
    /// Shared with the execution record: every `$$.Execution.Input` reads the same value.
    pub input: std::sync::Arc<Value>,
    /// The role the execution runs as (`$$.Execution.RoleArn`).
    pub role_arn: std::sync::Arc<str>,
    /// When it started (written ISO-8601 with milliseconds, as AWS writes it, when read).
    pub start_time: DateTime<Utc>,
    /// How many times the execution has been redriven (`$$.Execution.RedriveCount`).
    pub redrive_count: u32,
    /// The state machine's ARN (`$$.StateMachine.Id`).
    pub state_machine_id: std::sync::Arc<str>,
    /// The state machine's name (`$$.StateMachine.Name`).
    pub state_machine_name: std::sync::Arc<str>,
}

static NO_VARIABLES: Value = Value::Null;

/// The context object of one state's evaluation.
#[derive(Debug)]
pub struct ContextObject<'a> {
    /// The facts of the whole execution (`$$.Execution`, `$$.StateMachine`).
    pub execution: &'a ExecutionInfo,
    /// The state being evaluated (`$$.State.Name`).
    pub state_name: &'a str,
    /// When that state was entered (`$$.State.EnteredTime`).
    pub entered_time: DateTime<Utc>,
    /// Present for states that can retry (Task, Parallel, Map).
    pub retry_count: Option<u32>,
    /// The callback token of a `.waitForTaskToken` task (`$$.Task.Token`).
    pub task_token: Option<String>,
    /// `$$.Map.Item.Index` and `.Value` inside a Map iteration (set with
    /// [`ContextObject::with_map_item`]).
    pub map_item: Option<(u64, &'a Value)>,
    map_index: Value,
    /// The workflow variables the state reads (`$name` paths).
    pub variables: Option<&'a super::Variables>,
    cache: OnceCell<Value>,
    /// The context without `Execution.Input`: most `$$` paths need only this, and building
    /// it does not copy the execution's input (which can be large, and a Map's ItemSelector
    /// reads `$$` once per item).
    light: OnceCell<Value>,
}

impl<'a> ContextObject<'a> {
    /// The context of state `state_name`, entered at `entered_time`: no retry count, task
    /// token, Map item or variables until they are set.
    pub fn new(
        execution: &'a ExecutionInfo,
        state_name: &'a str,
        entered_time: DateTime<Utc>,
    ) -> Self {
        ContextObject {
            execution,
            state_name,
            entered_time,
            retry_count: None,
            task_token: None,
            map_item: None,
            map_index: Value::Null,
            variables: None,
            cache: OnceCell::new(),
            light: OnceCell::new(),
        }
    }

    /// Sets `$$.Map.Item.Index` and `$$.Map.Item.Value`.
    pub fn with_map_item(mut self, index: u64, value: &'a Value) -> Self {
        self.map_item = Some((index, value));
        self.map_index = Value::from(index);
        self
    }

    /// Uses `doc` as the whole context object (TestState's `context`): every `$$` path
    /// but `$$.Execution.Input` (read from the execution) and the Map item reads it.
    pub fn with_document(self, doc: Value) -> Self {
        let _ = self.cache.set(doc.clone());
        let _ = self.light.set(doc);
        self
    }

    /// Lets `$name` paths read these variables.
    pub fn with_variables(mut self, variables: &'a super::Variables) -> Self {
        self.variables = Some(variables);
        self
    }

    /// The document a `$$` path is evaluated against, and how many of its steps that
    /// document already accounts for: `$$.Execution.Input...` reads the execution's input
    /// directly, other paths that do not need the input use the light context.
    pub fn doc_for(&self, path: &crate::asl::path::Path) -> (&Value, usize) {
        use crate::asl::path::Segment::Child;
        if let Some(name) = path.variable() {
            // An unknown variable is looked for in an empty document, so the path fails to
            // select as any other path that names nothing does.
            return match self.variables.and_then(|v| v.get(name)) {
                Some(value) => (value, 1),
                None => (&NO_VARIABLES, 0),
            };
        }
        match path.segments.as_slice() {
            [Child(e), Child(i), ..] if e == "Execution" && i == "Input" => {
                (&*self.execution.input, 2)
            }
            // A Map's ItemSelector reads these once per item: no context object is built.
            [Child(m), Child(it), Child(v), ..]
                if m == "Map" && it == "Item" && v == "Value" && self.map_item.is_some() =>
            {
                (self.map_item.expect("checked").1, 3)
            }
            [Child(m), Child(it), Child(i)]
                if m == "Map" && it == "Item" && i == "Index" && self.map_item.is_some() =>
            {
                (&self.map_index, 3)
            }
            [Child(e), ..] if e == "Execution" => (self.value(), 0),
            [] => (self.value(), 0),
            _ => (self.light(), 0),
        }
    }

    fn light(&self) -> &Value {
        self.light.get_or_init(|| self.build(false))
    }

    /// The context object as JSON, in AWS's field order.
    pub fn value(&self) -> &Value {
        self.cache.get_or_init(|| self.build(true))
    }

    fn build(&self, with_input: bool) -> Value {
        {
            let e = self.execution;
            let mut state = Map::new();
            state.insert("Name".into(), Value::String(self.state_name.to_string()));
            state.insert(
                "EnteredTime".into(),
                Value::String(super::time::iso(self.entered_time)),
            );
            if let Some(n) = self.retry_count {
                state.insert("RetryCount".into(), json!(n));
            }
            let mut root = Map::new();
            root.insert(
                "Execution".into(),
                json!({
                    "Id": &*e.id,
                    "Input": if with_input { (*e.input).clone() } else { Value::Null },
                    "StartTime": super::time::iso(e.start_time),
                    "Name": e.name,
                    "RoleArn": &*e.role_arn,
                    "RedriveCount": e.redrive_count,
                }),
            );
            root.insert(
                "StateMachine".into(),
                json!({"Id": &*e.state_machine_id, "Name": &*e.state_machine_name}),
            );
            root.insert("State".into(), Value::Object(state));
            if let Some(t) = &self.task_token {
                root.insert("Task".into(), json!({ "Token": t }));
            }
            if let Some((i, v)) = &self.map_item {
                root.insert("Map".into(), json!({"Item": {"Index": i, "Value": v}}));
            }
            Value::Object(root)
        }
    }
}

/// An execution's facts for unit tests.
#[cfg(test)]
pub(crate) fn test_execution() -> ExecutionInfo {
    ExecutionInfo {
        id: "arn:aws:states:us-east-1:123456789012:execution:sm:e".into(),
        name: "e".into(),
        input: std::sync::Arc::new(json!({})),
        role_arn: "role".into(),
        start_time: DateTime::UNIX_EPOCH,
        redrive_count: 0,
        state_machine_id: "arn:aws:states:us-east-1:123456789012:stateMachine:sm".into(),
        state_machine_name: "sm".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_execution_state_and_optional_parts() {
        let e = ExecutionInfo {
            id: "arn:x".into(),
            name: "n".into(),
            input: std::sync::Arc::new(json!({"a": 1})),
            role_arn: "role".into(),
            start_time: DateTime::UNIX_EPOCH,
            redrive_count: 2,
            state_machine_id: "sm".into(),
            state_machine_name: "m".into(),
        };
        let item = json!("v");
        let mut c =
            ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH).with_map_item(3, &item);
        c.retry_count = Some(1);
        c.task_token = Some("tok".into());
        let v = c.value();
        assert_eq!(v["Execution"]["RedriveCount"], json!(2));
        assert_eq!(v["Execution"]["Input"], json!({"a": 1}));
        assert_eq!(
            v["State"],
            json!({"Name": "S", "EnteredTime": "1970-01-01T00:00:00.000Z", "RetryCount": 1})
        );
        assert_eq!(v["Task"]["Token"], json!("tok"));
        assert_eq!(v["Map"]["Item"], json!({"Index": 3, "Value": "v"}));
        let plain = ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH);
        assert!(plain.value().get("Task").is_none());
    }

    #[test]
    fn shortcut_documents_select_what_the_full_context_does() {
        use crate::asl::path::Path;
        use crate::data::jsonpath::{select, select_from};
        let e = ExecutionInfo {
            id: "arn:x".into(),
            name: "n".into(),
            input: std::sync::Arc::new(json!({"a": [1, 2]})),
            role_arn: "role".into(),
            start_time: DateTime::UNIX_EPOCH,
            redrive_count: 0,
            state_machine_id: "sm".into(),
            state_machine_name: "m".into(),
        };
        let item = json!({"k": "v"});
        let c = ContextObject::new(&e, "S", chrono::DateTime::UNIX_EPOCH).with_map_item(7, &item);
        for p in [
            "$$.Execution.Input.a[1]",
            "$$.Execution.Input",
            "$$.Execution.Name",
            "$$.Map.Item.Value.k",
            "$$.Map.Item.Index",
            "$$.Map.Item",
            "$$.State.Name",
            "$$",
        ] {
            let path = Path::parse(p).unwrap();
            let (doc, skip) = c.doc_for(&path);
            assert_eq!(
                select_from(&path, skip, doc).unwrap().to_value(),
                select(&path, c.value()).unwrap().to_value(),
                "{p}"
            );
        }
        // The light context leaves the input out.
        assert_eq!(c.light()["Execution"]["Input"], Value::Null);
    }
}
