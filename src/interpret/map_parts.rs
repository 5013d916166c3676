//! The parts of a Distributed Map kept as JSON (ItemReader, ItemBatcher, ResultWriter), as
//! the readers of their JSONPath form take them: in a JSONata Map, evaluated first.

use crate::asl::model::MapState;
use crate::data::payload::eval_field;
use crate::data::{names, Scope, StatesError};
use serde_json::Value;
use std::borrow::Cow;

/// A value an expression of a JSONata Map gave that its reader, batcher or writer cannot
/// use is an evaluation error, not a runtime one.
pub fn jsonata_error(evaluated: bool, e: StatesError) -> StatesError {
    if evaluated && e.error == names::RUNTIME {
        StatesError {
            error: names::QUERY_EVALUATION_ERROR.into(),
            cause: e.cause,
        }
    } else {
        e
    }
}

/// The parts of a Distributed Map kept as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `ItemReader`.
    ItemReader,
    /// `ItemBatcher`.
    ItemBatcher,
    /// `ResultWriter`.
    ResultWriter,
}

/// A part of the Map as the readers of its JSONPath form take it: in a JSONata Map, its
/// expressions evaluated (against the Map's input) and `Arguments` named `Parameters`.
pub fn part<'a>(
    m: &'a MapState,
    which: Part,
    effective: &Value,
    scope: &mut Scope,
) -> Result<Option<Cow<'a, Value>>, StatesError> {
    let (raw, field) = match which {
        Part::ItemReader => (&m.item_reader, "ItemReader"),
        Part::ItemBatcher => (&m.item_batcher, "ItemBatcher"),
        Part::ResultWriter => (&m.result_writer, "ResultWriter"),
    };
    let Some(parts) = &m.jsonata_parts else {
        return Ok(raw.as_ref().map(Cow::Borrowed));
    };
    let t = match which {
        Part::ItemReader => &parts.item_reader,
        Part::ItemBatcher => &parts.item_batcher,
        Part::ResultWriter => &parts.result_writer,
    };
    let Some(t) = t else {
        return Ok(None);
    };
    let mut s = Scope::new(effective, scope.context, scope.rng);
    let mut v = eval_field(t, &mut s, field)?;
    if let Some(obj) = v.as_object_mut() {
        if let Some(args) = obj.shift_remove("Arguments") {
            obj.insert("Parameters".into(), args);
        }
    }
    Ok(Some(Cow::Owned(v)))
}
