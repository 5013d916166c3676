//! The Map state's fields, Inline and Distributed, in both query languages.

use super::ctx::Ctx;
use super::fields::Fields;
use super::states::{Names, FLOW, IO, POLICY, RESULT};
use crate::asl::model::*;
use crate::asl::path::Path;
use serde_json::Value;

impl Ctx {
    pub(super) fn map(&mut self, f: &mut Fields, names: &Names) -> Option<MapState> {
        let jsonata = self.query == QueryLanguage::Jsonata;
        f.allow(FLOW);
        f.allow(POLICY);
        f.allow(&[
            "ItemProcessor",
            "Iterator",
            "ItemSelector",
            "MaxConcurrency",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "ToleratedFailurePercentage",
            "ToleratedFailureCount",
            "Label",
        ]);
        if jsonata {
            f.allow(&["Items"]);
        } else {
            f.allow(IO);
            f.allow(RESULT);
            f.allow(&[
                "ItemsPath",
                "MaxConcurrencyPath",
                "ToleratedFailurePercentagePath",
                "ToleratedFailureCountPath",
            ]);
        }
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
        let items = f.template(self, "Items");
        let items_path = match f.get("ItemsPath") {
            None => Some(Path::input()),
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
        let jsonata_parts = jsonata.then(|| self.jsonata_parts(f));
        let label = f.opt_string(self, "Label");
        let (result_selector, result_path) = if jsonata {
            (None, ResultPath::whole())
        } else {
            (f.template(self, "ResultSelector"), f.result_path(self))
        };
        let retry = self.retriers(f);
        let catch = self.catchers(f, names);
        let transition = f.transition(self, names)?;
        Some(MapState {
            processor: std::sync::Arc::new(processor?),
            mode,
            execution_type,
            items_path: items_path?,
            items,
            item_selector,
            max_concurrency,
            item_reader,
            item_batcher,
            result_writer,
            tolerated_failure_percentage,
            tolerated_failure_count,
            jsonata_parts,
            label,
            result_selector,
            result_path,
            retry: retry?,
            catch: catch?,
            transition,
        })
    }

    /// The ItemReader, ItemBatcher and ResultWriter of a JSONata Map: `Arguments` in place
    /// of `Parameters`, expressions anywhere.
    fn jsonata_parts(&mut self, f: &Fields) -> Box<JsonataParts> {
        for key in ["ItemReader", "ResultWriter"] {
            if f.get(key).and_then(|v| v.get("Parameters")).is_some() {
                self.schema(
                    &format!("{}/Parameters", f.at(key)),
                    "The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the 'JSONPath' QueryLanguage".into(),
                );
            }
        }
        Box::new(JsonataParts {
            item_reader: f.template(self, "ItemReader"),
            item_batcher: f.template(self, "ItemBatcher"),
            result_writer: f.template(self, "ResultWriter"),
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
