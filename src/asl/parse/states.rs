//! One parser per state type; each lists the fields ASL defines for that type.

use super::ctx::Ctx;
use super::fields::Fields;
use crate::asl::diagnostic::code;
use crate::asl::intrinsic::{looks_like_call, Call};
use crate::asl::model::*;
use crate::asl::path::Path;
use serde_json::Value;
use std::collections::HashMap;

const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];
pub(super) const IO: &[&str] = &["InputPath", "OutputPath"];
pub(super) const FLOW: &[&str] = &["Next", "End"];
pub(super) const RESULT: &[&str] = &["ResultPath", "Parameters", "ResultSelector"];
pub(super) const POLICY: &[&str] = &["Retry", "Catch"];

pub(super) type Names<'a> = HashMap<&'a str, StateId>;

impl Ctx {
    pub(crate) fn state(
        &mut self,
        name: &str,
        value: &Value,
        loc: &str,
        names: &Names,
    ) -> Option<State> {
        let Some(obj) = value.as_object() else {
            self.schema(loc, format!("State '{name}' must be an object"));
            return None;
        };
        let mut f = Fields::new(obj, loc);
        f.allow(COMMON);
        self.query = match self.query_language(&f, loc) {
            Some(QueryLanguage::JsonPath) if self.machine_query == QueryLanguage::Jsonata => {
                self.schema(
                    loc,
                    "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"
                        .into(),
                );
                QueryLanguage::JsonPath
            }
            Some(q) => q,
            None => self.machine_query,
        };
        let query = self.query;
        let jsonata = query == QueryLanguage::Jsonata;
        let comment = f.opt_string(self, "Comment");
        let type_name = f.req_string(self, "Type")?;
        let kind = match type_name.as_str() {
            "Pass" => self.pass(&mut f, names).map(StateKind::Pass),
            "Task" => self
                .task(&mut f, names)
                .map(|t| StateKind::Task(Box::new(t))),
            "Choice" => self.choice(&mut f, names).map(StateKind::Choice),
            "Wait" => self.wait(&mut f, names).map(StateKind::Wait),
            "Succeed" => {
                if !jsonata {
                    f.allow(IO);
                }
                Some(StateKind::Succeed)
            }
            "Fail" => self.fail(&mut f).map(StateKind::Fail),
            "Parallel" => self
                .parallel(&mut f, names)
                .map(|p| StateKind::Parallel(Box::new(p))),
            "Map" => self.map(&mut f, names).map(|m| StateKind::Map(Box::new(m))),
            other => {
                self.schema(
                    &f.at("Type"),
                    format!("Unknown state type '{other}' of state '{name}'"),
                );
                return None;
            }
        };
        let (input_path, output_path) = if jsonata {
            let root = Some(Path::input());
            (root.clone(), root)
        } else {
            (f.io_path(self, "InputPath"), f.io_path(self, "OutputPath"))
        };
        // Succeed and Fail end their body: nothing could read what they assigned.
        let assign = if matches!(type_name.as_str(), "Succeed" | "Fail") {
            None
        } else {
            f.allow(&["Assign"]);
            f.assign(self)
        };
        let output = if jsonata && type_name != "Fail" {
            f.allow(&["Output"]);
            f.template(self, "Output")
        } else {
            None
        };
        f.reject_unknown(self, &format!("a {type_name} state"));
        Some(State {
            name: name.to_string(),
            comment,
            input_path,
            output_path,
            assign,
            query,
            output,
            kind: kind?,
        })
    }

    fn pass(&mut self, f: &mut Fields, names: &Names) -> Option<PassState> {
        f.allow(FLOW);
        if self.query == QueryLanguage::Jsonata {
            let transition = f.transition(self, names)?;
            return Some(PassState {
                result: None,
                parameters: None,
                result_path: ResultPath::whole(),
                transition,
            });
        }
        f.allow(IO);
        f.allow(&["Result", "ResultPath", "Parameters"]);
        let parameters = f.template(self, "Parameters");
        let result = f.get("Result").cloned();
        if let Some(Value::Object(m)) = &result {
            if m.keys().any(|k| k.ends_with(".$")) {
                self.warning(
                    code::PASS_RESULT_IS_STATIC,
                    &f.at("Result"),
                    "Result is static: '.$' keys in a Pass state's Result are not evaluated".into(),
                );
            }
        }
        let result_path = f.result_path(self);
        let transition = f.transition(self, names)?;
        Some(PassState {
            result,
            parameters,
            result_path,
            transition,
        })
    }

    fn task(&mut self, f: &mut Fields, names: &Names) -> Option<TaskState> {
        f.allow(FLOW);
        f.allow(POLICY);
        f.allow(&[
            "Resource",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "Credentials",
        ]);
        if self.query == QueryLanguage::JsonPath {
            f.allow(IO);
            f.allow(RESULT);
            f.allow(&["TimeoutSecondsPath", "HeartbeatSecondsPath"]);
        } else {
            f.allow(&["Arguments"]);
        }
        let resource = f.req_string(self, "Resource");
        if let Some(r) = &resource {
            if !r.starts_with("arn:") {
                self.error(
                    code::INVALID_RESOURCE,
                    &f.at("Resource"),
                    format!("Resource '{r}' is not an ARN"),
                );
            }
        }
        let (parameters, result_selector, result_path) = self.result_fields(f);
        let timeout = f.seconds(self, "TimeoutSeconds", "TimeoutSecondsPath");
        let heartbeat = f.seconds(self, "HeartbeatSeconds", "HeartbeatSecondsPath");
        if let (Some(Seconds::Fixed(t)), Some(Seconds::Fixed(h))) = (&timeout, &heartbeat) {
            if h >= t {
                self.schema(
                    &f.at("HeartbeatSeconds"),
                    "HeartbeatSeconds must be smaller than TimeoutSeconds".into(),
                );
            }
        }
        let credentials = f.get("Credentials").cloned();
        let retry = self.retriers(f);
        let catch = self.catchers(f, names);
        let transition = f.transition(self, names)?;
        Some(TaskState {
            resource: resource?,
            parameters,
            result_selector,
            result_path,
            retry: retry?,
            catch: catch?,
            timeout,
            heartbeat,
            credentials,
            transition,
        })
    }

    fn choice(&mut self, f: &mut Fields, names: &Names) -> Option<ChoiceState> {
        if self.query == QueryLanguage::JsonPath {
            f.allow(IO);
        }
        f.allow(&["Choices", "Default"]);
        if f.has("Next") || f.has("End") {
            self.schema(
                &f.loc,
                "A Choice state cannot have 'Next' or 'End'; use Choices and Default".into(),
            );
        }
        let default = if f.has("Default") {
            Some(f.next(self, "Default", names)?)
        } else {
            None
        };
        let loc = f.at("Choices");
        let Some(Value::Array(rules)) = f.get("Choices") else {
            self.schema(&loc, "Choices must be a non-empty array".into());
            return None;
        };
        if rules.is_empty() {
            self.schema(&loc, "Choices must be a non-empty array".into());
            return None;
        }
        let mut choices = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let rloc = format!("{loc}/{i}");
            let branch = self.choice_branch(r, &rloc, names);
            choices.extend(branch);
        }
        if choices.len() != rules.len() {
            return None;
        }
        Some(ChoiceState { choices, default })
    }

    fn wait(&mut self, f: &mut Fields, names: &Names) -> Option<WaitState> {
        f.allow(FLOW);
        f.allow(&["Seconds", "Timestamp"]);
        if self.query == QueryLanguage::JsonPath {
            f.allow(IO);
            f.allow(&["SecondsPath", "TimestampPath"]);
        } else if let Some(wait) = self.wait_expression(f)? {
            let transition = f.transition(self, names)?;
            return Some(WaitState { wait, transition });
        }
        let present: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .into_iter()
            .filter(|k| f.has(k))
            .collect();
        if present.len() != 1 {
            self.schema(
                &f.loc,
                format!(
                    "A Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath (found {})",
                    present.len()
                ),
            );
            return None;
        }
        let wait = match present[0] {
            "Seconds" => WaitFor::Seconds(f.opt_int(self, "Seconds", 0, 99_999_999)?),
            "Timestamp" => {
                let s = f.opt_string(self, "Timestamp")?;
                if crate::asl::timestamp::parse(&s).is_none() {
                    self.schema(
                        &f.at("Timestamp"),
                        format!("Timestamp '{s}' is not an ISO-8601 extended offset date-time"),
                    );
                    return None;
                }
                WaitFor::Timestamp(s)
            }
            "SecondsPath" => WaitFor::SecondsPath(f.opt_path(self, "SecondsPath", true)?),
            _ => WaitFor::TimestampPath(f.opt_path(self, "TimestampPath", true)?),
        };
        let transition = f.transition(self, names)?;
        Some(WaitState { wait, transition })
    }

    fn fail(&mut self, f: &mut Fields) -> Option<FailState> {
        f.allow(&["Error", "Cause"]);
        if self.query == QueryLanguage::Jsonata {
            let error = self.text_expression(f, "Error")?;
            let cause = self.text_expression(f, "Cause")?;
            return Some(FailState { error, cause });
        }
        f.allow(&["ErrorPath", "CausePath"]);
        let error = self.text_source(f, "Error", "ErrorPath")?;
        let cause = self.text_source(f, "Cause", "CausePath")?;
        Some(FailState { error, cause })
    }

    /// Fail's `Error`/`ErrorPath` (and Cause): a literal, a path, or an intrinsic call.
    fn text_source(&mut self, f: &Fields, key: &str, path_key: &str) -> Option<Option<TextSource>> {
        match (f.has(key), f.has(path_key)) {
            (true, true) => {
                self.schema(
                    &f.loc,
                    format!("'{key}' and '{path_key}' cannot both be set"),
                );
                None
            }
            (true, false) => Some(f.opt_string(self, key).map(TextSource::Literal)),
            (false, true) => {
                let s = f.opt_string(self, path_key)?;
                if looks_like_call(&s) {
                    match Call::parse(&s) {
                        Ok(c) => Some(Some(TextSource::Call(Box::new(c)))),
                        Err(e) => {
                            self.schema(&f.at(path_key), e.to_string());
                            None
                        }
                    }
                } else {
                    f.path_text(self, path_key, &s, true)
                        .map(|p| Some(TextSource::Path(p)))
                }
            }
            (false, false) => Some(None),
        }
    }

    fn parallel(&mut self, f: &mut Fields, names: &Names) -> Option<ParallelState> {
        f.allow(FLOW);
        f.allow(POLICY);
        f.allow(&["Branches"]);
        if self.query == QueryLanguage::JsonPath {
            f.allow(IO);
            f.allow(RESULT);
        } else {
            f.allow(&["Arguments"]);
        }
        let loc = f.at("Branches");
        let mut branches = Vec::new();
        match f.get("Branches") {
            Some(Value::Array(bs)) if !bs.is_empty() => {
                for (i, b) in bs.iter().enumerate() {
                    let bloc = format!("{loc}/{i}");
                    match b.as_object() {
                        Some(obj) => {
                            branches.extend(self.sub_body(obj, &bloc).map(std::sync::Arc::new))
                        }
                        None => self.schema(&bloc, "A branch must be an object".into()),
                    }
                }
                if branches.len() != bs.len() {
                    return None;
                }
            }
            _ => {
                self.schema(&loc, "Branches must be a non-empty array".into());
                return None;
            }
        }
        let (parameters, result_selector, result_path) = self.result_fields(f);
        let retry = self.retriers(f);
        let catch = self.catchers(f, names);
        let transition = f.transition(self, names)?;
        Some(ParallelState {
            branches,
            parameters,
            result_selector,
            result_path,
            retry: retry?,
            catch: catch?,
            transition,
        })
    }

    /// A branch or item processor: its own StartAt/States namespace.
    pub(super) fn sub_body(
        &mut self,
        obj: &serde_json::Map<String, Value>,
        loc: &str,
    ) -> Option<Body> {
        let mut f = Fields::new(obj, loc);
        // AWS: a branch or item processor takes the definition's query language; only
        // its states can set their own.
        f.allow(&["StartAt", "States", "Comment", "ProcessorConfig"]);
        f.reject_unknown(self, "a branch or item processor");
        let saved = self.query;
        let body = self.body(obj, loc);
        self.query = saved;
        body
    }
}
