//! Layer 2, what moves values: JSONPath evaluation, the context object, payload templates,
//! intrinsic functions, Choice rules and the InputPath → ... → OutputPath pipeline.
//! Pure: no IO; imports only `asl`.

pub mod choice;
pub mod context;
pub mod error;
pub mod intrinsics;
pub mod jsonata;
pub mod jsonpath;
pub mod payload;
pub mod scope;
pub mod size;
pub mod time;
pub mod variables;

pub use context::{ContextObject, ExecutionInfo};
pub use error::{names, StatesError};
pub use scope::Scope;
pub use size::json_size;
pub use variables::Variables;
