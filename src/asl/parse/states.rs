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
const IO: &[&str] = &["InputPath", "OutputPath"];
const FLOW: &[&str] = &["Next", "End"];
const RESULT: &[&str] = &["ResultPath", "Parameters", "ResultSelector"];
const POLICY: &[&str] = &["Retry", "Catch"];

type Names<'a> = HashMap<&'a str, StateId>;

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
        self.query_language(&f, loc);
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
                f.allow(IO);
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
        let input_path = f.io_path(self, "InputPath");
        let output_path = f.io_path(self, "OutputPath");
        // Succeed and Fail end their body: nothing could read what they assigned.
        let assign = if matches!(type_name.as_str(), "Succeed" | "Fail") {
            None
        } else {
            f.allow(&["Assign"]);
            f.assign(self)
        };
        f.reject_unknown(self, &format!("a {type_name} state"));
        Some(State {
            name: name.to_string(),
            comment,
            input_path,
            output_path,
            assign,
            kind: kind?,
        })
    }

    fn pass(&mut self, f: &mut Fields, names: &Names) -> Option<PassState> {
        f.allow(IO);
        f.allow(FLOW);
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
        f.allow(IO);
        f.allow(FLOW);
        f.allow(RESULT);
        f.allow(POLICY);
        f.allow(&[
            "Resource",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
        ]);
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
        let parameters = f.template(self, "Parameters");
        let result_selector = f.template(self, "ResultSelector");
        let result_path = f.result_path(self);
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
        f.allow(IO);
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
        f.allow(IO);
        f.allow(FLOW);
        f.allow(&["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]);
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
        f.allow(&["Error", "ErrorPath", "Cause", "CausePath"]);
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
        f.allow(IO);
        f.allow(FLOW);
        f.allow(RESULT);
        f.allow(POLICY);
        f.allow(&["Branches"]);
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
        let parameters = f.template(self, "Parameters");
        let result_selector = f.template(self, "ResultSelector");
        let result_path = f.result_path(self);
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
    fn sub_body(&mut self, obj: &serde_json::Map<String, Value>, loc: &str) -> Option<Body> {
        let mut f = Fields::new(obj, loc);
        f.allow(&[
            "StartAt",
            "States",
            "Comment",
            "ProcessorConfig",
            "QueryLanguage",
        ]);
        f.reject_unknown(self, "a branch or item processor");
        self.query_language(&f, loc);
        self.body(obj, loc)
    }

    fn map(&mut self, f: &mut Fields, names: &Names) -> Option<MapState> {
        f.allow(IO);
        f.allow(FLOW);
        f.allow(RESULT);
        f.allow(POLICY);
        f.allow(&[
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "ItemSelector",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "Label",
        ]);
        let (key, proc_value) = match (f.get("ItemProcessor"), f.get("Iterator")) {
            (Some(p), None) => ("ItemProcessor", p),
            (None, Some(p)) => ("Iterator", p),
            (Some(_), Some(_)) => {
                self.schema(
                    &f.loc,
                    "'ItemProcessor' and 'Iterator' cannot both be set".into(),
                );
                return None;
            }
            (None, None) => {
                self.schema(&f.loc, "The field 'ItemProcessor' is required".into());
                return None;
            }
        };
        let ploc = f.at(key);
        let Some(pobj) = proc_value.as_object() else {
            self.schema(&ploc, format!("{key} must be an object"));
            return None;
        };
        let (mode, execution_type) = self.processor_config(pobj, &ploc);
        let processor = self.sub_body(pobj, &ploc);
        if f.has("ItemSelector") && f.has("Parameters") {
            self.schema(
                &f.loc,
                "'ItemSelector' and 'Parameters' cannot both be set".into(),
            );
        }
        let item_selector = if f.has("ItemSelector") {
            f.template(self, "ItemSelector")
        } else {
            f.template(self, "Parameters")
        };
        let items_path = match f.get("ItemsPath") {
            None => Some(Path::parse("$").expect("root path")),
            Some(_) => f.opt_path(self, "ItemsPath", true),
        };
        let max_concurrency = f.amount(self, "MaxConcurrency", "MaxConcurrencyPath", 1e9);
        let tolerated_failure_percentage = f.amount(
            self,
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            100.0,
        );
        let tolerated_failure_count = f.amount(
            self,
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            1e12,
        );
        let object_field = |ctx: &mut Ctx, k: &str| match f.get(k) {
            None => None,
            Some(v @ Value::Object(_)) => Some(v.clone()),
            Some(_) => {
                ctx.schema(&f.at(k), format!("{k} must be an object"));
                None
            }
        };
        let item_reader = object_field(self, "ItemReader");
        let item_batcher = object_field(self, "ItemBatcher");
        let result_writer = object_field(self, "ResultWriter");
        let label = f.opt_string(self, "Label");
        let result_selector = f.template(self, "ResultSelector");
        let result_path = f.result_path(self);
        let retry = self.retriers(f);
        let catch = self.catchers(f, names);
        let transition = f.transition(self, names)?;
        Some(MapState {
            processor: std::sync::Arc::new(processor?),
            mode,
            execution_type,
            items_path: items_path?,
            item_selector,
            max_concurrency,
            item_reader,
            item_batcher,
            result_writer,
            tolerated_failure_percentage,
            tolerated_failure_count,
            label,
            result_selector,
            result_path,
            retry: retry?,
            catch: catch?,
            transition,
        })
    }

    fn processor_config(
        &mut self,
        pobj: &serde_json::Map<String, Value>,
        ploc: &str,
    ) -> (ProcessorMode, Option<ExecutionType>) {
        let Some(cfg) = pobj.get("ProcessorConfig") else {
            return (ProcessorMode::Inline, None);
        };
        let cloc = format!("{ploc}/ProcessorConfig");
        let Some(cobj) = cfg.as_object() else {
            self.schema(&cloc, "ProcessorConfig must be an object".into());
            return (ProcessorMode::Inline, None);
        };
        let mut f = Fields::new(cobj, &cloc);
        f.allow(&["Mode", "ExecutionType"]);
        f.reject_unknown(self, "ProcessorConfig");
        let mode = match f.opt_string(self, "Mode").as_deref() {
            None | Some("INLINE") => ProcessorMode::Inline,
            Some("DISTRIBUTED") => ProcessorMode::Distributed,
            Some(other) => {
                self.schema(
                    &f.at("Mode"),
                    format!("Mode must be INLINE or DISTRIBUTED, got '{other}'"),
                );
                ProcessorMode::Inline
            }
        };
        let et = match f.opt_string(self, "ExecutionType").as_deref() {
            None => None,
            Some("STANDARD") => Some(ExecutionType::Standard),
            Some("EXPRESS") => Some(ExecutionType::Express),
            Some(other) => {
                self.schema(
                    &f.at("ExecutionType"),
                    format!("ExecutionType must be STANDARD or EXPRESS, got '{other}'"),
                );
                None
            }
        };
        if mode == ProcessorMode::Distributed && et.is_none() {
            self.schema(
                &cloc,
                "A DISTRIBUTED item processor needs an ExecutionType".into(),
            );
        }
        (mode, et)
    }
}
