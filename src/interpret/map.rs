//! Inline Map: ItemsPath selects an array from the effective input; each item (shaped by
//! ItemSelector, where `$$.Map.Item.Index`/`.Value` name it) is one iteration's input; the
//! state's result is the array of iteration outputs, in item order.

use super::item_reader::ReaderRequest;
use super::result_writer::WriterRequest;
use crate::asl::model::{Amount, MapState, QueryLanguage, State};
use crate::asl::template::Template;
use crate::data::jsonata::{self, evaluate_field};
use crate::data::payload::{eval_field, read_path};
use crate::data::{names, ContextObject, Scope, StatesError};
use serde_json::Value;

pub use super::map_parts::{jsonata_error, part, Part};

/// What the iterations of an Inline Map start with.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPlan {
    /// One input per iteration, in item order.
    pub inputs: Vec<Value>,
    /// At most this many iterations at once; 0 means no limit.
    pub max_concurrency: usize,
}

/// A Map state's settings, evaluated against its effective input.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSettings {
    pub effective: Value,
    /// At most this many iterations at once; 0 means no limit.
    pub max_concurrency: usize,
    /// ToleratedFailurePercentage(Path), checked to lie in [0, 100].
    pub tolerated_failure_percentage: Option<f64>,
    /// ToleratedFailureCount(Path), checked to be a non-negative integer.
    pub tolerated_failure_count: Option<u64>,
    /// A Distributed Map's ResultWriter, evaluated.
    pub writer: Option<WriterRequest>,
}

/// Where a Map state's items come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemsSource {
    /// An ItemReader (the runtime reads the object store).
    Reader(ReaderRequest),
    /// The array ItemsPath selects from the effective input.
    Items(Vec<Value>),
}

/// Resolves a tolerance given as a number or a path, with AWS's checks and texts.
fn tolerance(
    amount: Option<&Amount>,
    effective: &Value,
    context: &ContextObject,
    field: &str,
    integer: bool,
) -> Result<Option<f64>, StatesError> {
    let (v, path) = match amount {
        None => return Ok(None),
        // A literal count is parsed as a number; 10 must read as the integer it is.
        Some(Amount::Fixed(n)) if integer && n.fract() == 0.0 => (Value::from(*n as i64), None),
        Some(Amount::Fixed(n)) => (Value::from(*n), None),
        Some(Amount::Path(p)) => (read_path(p, effective, context)?, Some(p)),
        Some(Amount::Expr(_)) => return Err(StatesError::runtime("an expression in JSONPath")),
    };
    let n = if integer {
        v.as_i64().map(|n| n as f64)
    } else {
        v.as_f64()
    };
    let Some(n) = n else {
        let shown = match &v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        return Err(StatesError::runtime(format!(
            "The {field}Path field refers to value \"{shown}\" which is not a valid {}: {}",
            if integer { "integer" } else { "float" },
            path.map(|p| p.as_str()).unwrap_or("")
        )));
    };
    if integer && n < 0.0 {
        return Err(StatesError::runtime(format!("{field} cannot be negative.")));
    }
    if !integer && !(0.0..=100.0).contains(&n) {
        return Err(StatesError::runtime(format!(
            "{field} must be between 0 and 100."
        )));
    }
    Ok(Some(n))
}

/// A tolerance given by a JSONata expression, evaluated to the number it gives (then
/// checked as a literal one is).
fn jsonata_amount(
    amount: Option<&Amount>,
    field: &str,
    effective: &Value,
    scope: &mut Scope,
) -> Result<Option<Amount>, StatesError> {
    let Some(Amount::Expr(e)) = amount else {
        return Ok(None);
    };
    let mut s = Scope::new(effective, scope.context, scope.rng);
    let v = evaluate_field(e, &mut s, field)?;
    let count = field == "ToleratedFailureCount";
    match v.as_f64() {
        Some(n) if count && n >= 0.0 && n.fract() == 0.0 => Ok(Some(Amount::Fixed(n))),
        Some(n) if !count && (0.0..=100.0).contains(&n) => Ok(Some(Amount::Fixed(n))),
        _ if count => Err(jsonata::wrong_value(e, field, "a non-negative integer", &v)),
        _ => Err(jsonata::wrong_value(e, field, "a number from 0 to 100", &v)),
    }
}

/// Evaluates the state's settings (MaxConcurrency, tolerances, ResultWriter).
pub fn settings(
    state: &State,
    m: &MapState,
    scope: &mut Scope,
) -> Result<MapSettings, StatesError> {
    let effective = super::effective_input(state, scope.input, scope.context)?;
    let (percentage, count) = (
        jsonata_amount(
            m.tolerated_failure_percentage.as_ref(),
            "ToleratedFailurePercentage",
            &effective,
            scope,
        )?,
        jsonata_amount(
            m.tolerated_failure_count.as_ref(),
            "ToleratedFailureCount",
            &effective,
            scope,
        )?,
    );
    let max_concurrency = match &m.max_concurrency {
        None => 0,
        Some(Amount::Fixed(n)) => *n as usize,
        Some(Amount::Expr(e)) => {
            let mut s = Scope::new(&effective, scope.context, scope.rng);
            let v = evaluate_field(e, &mut s, "MaxConcurrency")?;
            match v.as_u64() {
                Some(n) => n.min(u32::MAX as u64) as usize,
                None => {
                    return Err(jsonata::wrong_value(
                        e,
                        "MaxConcurrency",
                        "a non-negative integer",
                        &v,
                    ))
                }
            }
        }
        Some(Amount::Path(p)) => {
            let v = read_path(p, &effective, scope.context)?;
            // Past u32, a concurrency is unbounded anyway: it must not wrap to 0 or less.
            match v.as_u64() {
                Some(n) => n.min(u32::MAX as u64) as usize,
                None => {
                    return Err(StatesError::runtime(format!(
                        "The MaxConcurrencyPath field refers to value \"{v}\" which is not a valid non-negative integer."
                    )))
                }
            }
        }
    };
    let tolerated_failure_percentage = tolerance(
        percentage
            .as_ref()
            .or(m.tolerated_failure_percentage.as_ref()),
        &effective,
        scope.context,
        "ToleratedFailurePercentage",
        false,
    )?;
    let tolerated_failure_count = tolerance(
        count.as_ref().or(m.tolerated_failure_count.as_ref()),
        &effective,
        scope.context,
        "ToleratedFailureCount",
        true,
    )?
    .map(|n| n as u64);
    let writer = match part(m, Part::ResultWriter, &effective, scope)? {
        None => None,
        Some(w) => {
            let mut s = Scope::new(&effective, scope.context, scope.rng);
            let evaluated = m.jsonata_parts.is_some();
            Some(
                super::result_writer::request(&w, &mut s, evaluated)
                    .map_err(|e| jsonata_error(evaluated, e))?,
            )
        }
    };
    Ok(MapSettings {
        effective: effective.into_owned(),
        max_concurrency,
        tolerated_failure_percentage,
        tolerated_failure_count,
        writer,
    })
}

/// Where the items come from: the ItemReader's request, or the array ItemsPath selects.
pub fn source(
    state: &State,
    m: &MapState,
    settings: &MapSettings,
    scope: &mut Scope,
) -> Result<ItemsSource, StatesError> {
    let effective = &settings.effective;
    if let Some(reader) = part(m, Part::ItemReader, effective, scope)? {
        let mut s = Scope::new(effective, scope.context, scope.rng);
        let evaluated = m.jsonata_parts.is_some();
        return super::item_reader::request(&reader, &mut s, evaluated)
            .map(ItemsSource::Reader)
            .map_err(|e| jsonata_error(evaluated, e));
    }
    if let Some(t) = &m.items {
        let mut s = Scope::new(effective, scope.context, scope.rng);
        return match eval_field(t, &mut s, "Items")? {
            Value::Array(items) => Ok(ItemsSource::Items(items)),
            other => Err(match t {
                Template::Expr(e) => jsonata::unexpected_type(e, "Items", "array", &other),
                _ => StatesError::new(names::QUERY_EVALUATION_ERROR, "Items must be an array"),
            }),
        };
    }
    let selected = if m.items_path.is_root() {
        effective.clone()
    } else {
        read_path(&m.items_path, effective, scope.context)?
    };
    match selected {
        Value::Array(items) => Ok(ItemsSource::Items(items)),
        other => {
            let cause = format!("Map state input must be an array but was: {other}");
            Err(match state.query {
                QueryLanguage::JsonPath => StatesError::runtime(cause),
                QueryLanguage::Jsonata => StatesError::new(names::QUERY_EVALUATION_ERROR, cause),
            })
        }
    }
}

/// The input of the iteration for item `index`: the item, or what ItemSelector makes of it
/// (with `$$.Map.Item.Index` and `.Value` naming it).
pub fn select_item(
    m: &MapState,
    effective: &Value,
    scope: &mut Scope,
    index: u64,
    item: Value,
) -> Result<Value, StatesError> {
    let Some(t) = &m.item_selector else {
        return Ok(item);
    };
    let mut ctx = ContextObject::new(
        scope.context.execution,
        scope.context.state_name,
        scope.context.entered_time,
    )
    .with_map_item(index, &item);
    ctx.variables = scope.context.variables;
    let mut s = Scope::new(effective, &ctx, scope.rng);
    eval_field(t, &mut s, "ItemSelector")
}

/// The most bytes an Inline Map's ItemSelector may build for all its iterations: they are
/// built when the state starts.
pub const MAX_SELECTED_INPUTS: usize = 256 << 20;

/// Plans the iterations of an Inline Map. `kept(i)` says an iteration's result is already
/// known (a redrive or a restart keeps it): its input is not built.
pub fn plan(
    state: &State,
    m: &MapState,
    scope: &mut Scope,
    kept: impl Fn(usize) -> bool,
) -> Result<MapPlan, StatesError> {
    let settings = settings(state, m, scope)?;
    let ItemsSource::Items(items) = source(state, m, &settings, scope)? else {
        return Err(StatesError::runtime("an Inline Map has no ItemReader"));
    };
    let mut inputs = Vec::with_capacity(items.len());
    // Without an ItemSelector the inputs are the items, no larger than the state's input;
    // with one, each may copy the whole input: their sum is held to a bound.
    let mut selected = 0usize;
    for (i, item) in items.into_iter().enumerate() {
        inputs.push(if kept(i) {
            Value::Null
        } else {
            let input = select_item(m, &settings.effective, scope, i as u64, item)?;
            if m.item_selector.is_some() {
                selected += crate::data::json_size(&input);
                if selected > MAX_SELECTED_INPUTS {
                    return Err(StatesError::new(
                        crate::data::names::DATA_LIMIT_EXCEEDED,
                        format!(
                            "The ItemSelector of state '{}' made iteration inputs of more than {MAX_SELECTED_INPUTS} bytes in all",
                            state.name
                        ),
                    ));
                }
            }
            input
        });
    }
    Ok(MapPlan {
        inputs,
        max_concurrency: settings.max_concurrency,
    })
}

/// The state's output from the iteration outputs (in item order).
pub fn finish(
    state: &State,
    m: &MapState,
    outputs: Vec<Value>,
    scope: &mut Scope,
) -> Result<super::Exit, StatesError> {
    finish_value(state, m, Value::Array(outputs), scope)
}

/// The state's output from its result (a Distributed Map with a ResultWriter has a result
/// that is not the array of outputs).
pub fn finish_value(
    state: &State,
    m: &MapState,
    result: Value,
    scope: &mut Scope,
) -> Result<super::Exit, StatesError> {
    super::apply_result(
        state,
        m.result_selector.as_ref(),
        &m.result_path,
        result,
        scope,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::model::StateKind;
    use crate::interpret::testing::{rng, Fixture};
    use serde_json::json;

    fn map_fixture(fields: Value) -> Fixture {
        let mut state = json!({
            "Type": "Map", "End": true,
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}
        });
        state
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        Fixture::new(json!({"StartAt": "M", "States": {"M": state}}))
    }

    fn with_map<R>(
        f: &Fixture,
        input: Value,
        go: impl FnOnce(&State, &MapState, &mut Scope) -> R,
    ) -> R {
        let (state, context) = (f.state("M"), f.context("M"));
        let StateKind::Map(m) = &state.kind else {
            unreachable!("a Map state")
        };
        let mut rng = rng();
        go(state, m, &mut Scope::new(&input, &context, &mut rng))
    }

    #[test]
    fn items_are_selected_and_shaped_by_the_item_selector() {
        let f = map_fixture(json!({
            "ItemsPath": "$.xs",
            "MaxConcurrency": 2,
            "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "k.$": "$.k"}
        }));
        let input = json!({"xs": ["a", "b", "c"], "k": 9});
        let all = with_map(&f, input.clone(), |s, m, scope| {
            plan(s, m, scope, |_| false)
        });
        let all = all.unwrap();
        assert_eq!(all.max_concurrency, 2);
        assert_eq!(all.inputs[1], json!({"i": 1, "v": "b", "k": 9}));
        // A kept iteration's input is not built.
        let some = with_map(&f, input, |s, m, scope| plan(s, m, scope, |i| i == 0)).unwrap();
        assert_eq!(some.inputs[0], Value::Null);
        assert_eq!(some.inputs[2], json!({"i": 2, "v": "c", "k": 9}));
    }

    #[test]
    fn items_must_be_an_array_and_settings_follow_aws_rules() {
        let f = map_fixture(json!({"ItemsPath": "$.xs"}));
        let e = with_map(&f, json!({"xs": 3}), |s, m, scope| {
            plan(s, m, scope, |_| false)
        });
        assert_eq!(
            e.unwrap_err().cause.as_deref(),
            Some("Map state input must be an array but was: 3")
        );
        let f = map_fixture(json!({
            "MaxConcurrencyPath": "$.c",
            "ToleratedFailureCountPath": "$.n",
            "ToleratedFailurePercentage": 12.5
        }));
        let ok = with_map(&f, json!({"c": 4, "n": 2}), |s, m, scope| {
            settings(s, m, scope)
        });
        let ok = ok.unwrap();
        assert_eq!(ok.max_concurrency, 4);
        assert_eq!(ok.tolerated_failure_count, Some(2));
        assert_eq!(ok.tolerated_failure_percentage, Some(12.5));
        let bad = with_map(&f, json!({"c": -1, "n": 2}), |s, m, scope| {
            settings(s, m, scope)
        });
        assert!(bad
            .unwrap_err()
            .cause
            .unwrap()
            .contains("MaxConcurrencyPath"));
        let bad = with_map(&f, json!({"c": 1, "n": -2}), |s, m, scope| {
            settings(s, m, scope)
        });
        assert_eq!(
            bad.unwrap_err().cause.as_deref(),
            Some("ToleratedFailureCount cannot be negative.")
        );
    }

    #[test]
    fn outputs_in_item_order_go_through_result_selector_and_result_path() {
        let f = map_fixture(json!({"ResultSelector": {"n.$": "States.ArrayLength($)"},
            "ResultPath": "$.r"}));
        let exit = with_map(&f, json!({"a": 1}), |s, m, scope| {
            finish(s, m, vec![json!(1), json!(2)], scope)
        });
        assert_eq!(exit.unwrap().output, json!({"a": 1, "r": {"n": 2}}));
    }
}
