//! Layer 6, the control plane with AWS's operation, field and error names, called in
//! process. Imports the layers below it (the runtime, the store, the definition model);
//! what serves it over HTTP, benchmarks it or drives it from the command line sits above.
//!
//! ```
//! use sfn_runtime::api::{StepFunctions, types::*};
//!
//! let sfn = StepFunctions::builder().virtual_clock().build().unwrap();
//! let sm = sfn.create_state_machine(CreateStateMachineInput {
//!     name: "Hello".into(),
//!     definition: r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"hi","End":true}}}"#.into(),
//!     role_arn: "arn:aws:iam::123456789012:role/r".into(),
//!     ..Default::default()
//! }).unwrap();
//! let exec = sfn.start(StartExecutionInput {
//!     state_machine_arn: sm.state_machine_arn,
//!     ..Default::default()
//! }).unwrap();
//! exec.wait_blocking();
//! let d = sfn.describe_execution(ExecutionArnInput { execution_arn: exec.execution_arn.to_string() }).unwrap();
//! assert_eq!(d.status, "SUCCEEDED");
//! assert_eq!(d.output.as_deref(), Some("\"hi\""));
//! ```

mod activities;
mod aliases;
mod builder;
mod callbacks;
mod durable;
pub mod error;
mod executions;
mod launch;
mod machine_of;
mod map_runs;
mod orphans;
mod page;
mod records;
mod redrive;
mod resources;
mod retained;
mod retention;
mod service;
mod start;
mod sync;
mod tags;
mod test_state;
pub mod types;
mod versions;

pub use crate::runtime::config::DEFAULT_PAYLOAD_LIMIT;
pub use activities::ACTIVITY_POLL;
pub use builder::{BuildError, StepFunctionsBuilder};
pub use error::ApiError;
pub use executions::describe;
pub use service::{StateMachineEntry, StepFunctions};
