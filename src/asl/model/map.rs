//! The Map state's fields, Inline and Distributed.

use super::{Body, Catcher, ResultPath, Retrier, Transition};
use crate::asl::jsonata::Expression;
use crate::asl::path::Path;
use crate::asl::template::Template;
use serde_json::Value;
use std::sync::Arc;

/// `ProcessorConfig.Mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessorMode {
    /// `INLINE` (the default): the iterations run inside this execution.
    Inline,
    /// `DISTRIBUTED`: each item (or batch) runs as a child execution of a Map Run.
    Distributed,
}

/// `ProcessorConfig.ExecutionType` of a Distributed Map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionType {
    /// `STANDARD`: each child execution is a Standard workflow execution.
    Standard,
    /// `EXPRESS`: each child execution is an Express workflow execution.
    Express,
}

/// A count given directly or by a reference path (MaxConcurrency, tolerances, batching).
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A number written in the definition.
    Fixed(f64),
    /// A reference path (the field's `...Path` form) read from the effective input.
    Path(Path),
    /// A JSONata expression, evaluated when the state runs.
    Expr(Arc<Expression>),
}

/// An ItemReader's `ReaderConfig.InputType`, with its CSV options: how the object it
/// reads holds the items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputType {
    /// `JSON`: the object holds one JSON array; each element is an item.
    Json,
    /// `JSONL`: JSON Lines; each non-blank line is an item.
    Jsonl,
    /// An S3 Inventory `manifest.json`: the items are the rows of the (CSV) inventory files
    /// it names, read through the object store.
    Manifest,
    /// `CSV`: each data row is an item, an object keyed by the column headers.
    Csv {
        /// `CSVHeaders` when `CSVHeaderLocation` is GIVEN; `None`: the first row.
        headers: Option<Vec<String>>,
        /// `CSVDelimiter` as a byte: `,` (COMMA, the default), `|`, `;`, space or tab.
        delimiter: u8,
    },
}

/// The fields of a `Map` state, Inline or Distributed.
#[derive(Debug, Clone)]
pub struct MapState {
    /// Shared so that each iteration's child actor holds the processor without a copy.
    pub processor: Arc<Body>,
    /// `ProcessorConfig.Mode`: whether iterations run inline or as child executions.
    pub mode: ProcessorMode,
    /// `ProcessorConfig.ExecutionType`. AWS: required for a Distributed Map.
    pub execution_type: Option<ExecutionType>,
    /// `ItemsPath`: where the item array is in the effective input (default `$`).
    pub items_path: Path,
    /// `Items` of a JSONata Map: the array (or an expression giving it); absent, the
    /// state's input.
    pub items: Option<Template>,
    /// `ItemSelector`, or the legacy `Parameters`.
    pub item_selector: Option<Template>,
    /// `MaxConcurrency(Path)`: how many iterations may run at once; 0 or none: no limit.
    pub max_concurrency: Option<Amount>,
    /// `ItemReader`: where a Distributed Map reads its items from; kept as JSON and
    /// evaluated when the state runs.
    pub item_reader: Option<Value>,
    /// `ItemBatcher`: how items are grouped into batches, one per child execution; kept as
    /// JSON and evaluated when the state runs.
    pub item_batcher: Option<Value>,
    /// `ResultWriter`: where the child executions' results are written; kept as JSON and
    /// evaluated when the state runs.
    pub result_writer: Option<Value>,
    /// `ToleratedFailurePercentage(Path)`: the share of items (0 to 100) that may fail before
    /// the Map Run fails.
    pub tolerated_failure_percentage: Option<Amount>,
    /// `ToleratedFailureCount(Path)`: how many items may fail before the Map Run fails.
    pub tolerated_failure_count: Option<Amount>,
    /// The ItemReader, ItemBatcher and ResultWriter of a JSONata Map, with their
    /// expressions parsed; the runtime evaluates them into the JSON fields above.
    pub jsonata_parts: Option<Box<JsonataParts>>,
    /// `Label`: names the Map Run in its ARNs; absent, the state's name is used.
    pub label: Option<String>,
    /// `ResultSelector`: reshapes the array of iteration outputs before `ResultPath` places it.
    pub result_selector: Option<Template>,
    /// `ResultPath`: where the (selected) result goes in the state's input.
    pub result_path: ResultPath,
    /// `Retry`: retriers in order; the first whose `ErrorEquals` matches an error decides.
    pub retry: Vec<Retrier>,
    /// `Catch`: catchers in order, for an error that no retrier retries (any more).
    pub catch: Vec<Catcher>,
    /// `Next` or `End`: where the state goes once it completes.
    pub transition: Transition,
}

/// A JSONata Distributed Map's ItemReader (with `Arguments`), ItemBatcher and ResultWriter
/// (with `Arguments`), each a template whose expressions were parsed with the definition.
#[derive(Debug, Clone, Default)]
pub struct JsonataParts {
    /// `ItemReader`.
    pub item_reader: Option<Template>,
    /// `ItemBatcher`.
    pub item_batcher: Option<Template>,
    /// `ResultWriter`.
    pub result_writer: Option<Template>,
}
