//! The shapes of TestState.

use serde::{Deserialize, Serialize};

/// TestState's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestStateInput {
    /// One state's definition, or a whole state machine's with `state_name`.
    pub definition: String,
    /// The role the state runs as (optional here, as with a mock on AWS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// The state's input, JSON text (`{}` when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// `INFO` (the default), `DEBUG` or `TRACE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection_level: Option<String>,
    /// Show HTTP Task headers and bodies unredacted in TRACE.
    #[serde(default)]
    pub reveal_secrets: bool,
    /// The workflow variables the state reads, a JSON object's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<String>,
    /// The state of a whole definition to test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_name: Option<String>,
    /// A result or an error that stands for the state's work.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mock: Option<MockInput>,
    /// The context object (`$$`), a JSON object's text merged over the default one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Where a Retry or Map stands when the state runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_configuration: Option<TestStateConfiguration>,
}

/// A mocked result (JSON text) or error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MockInput {
    /// The state's result, JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The error the state fails with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_output: Option<MockErrorOutput>,
    /// `STRICT`, `PRESENT` or `NONE`: how far the result is checked against the
    /// integration's response shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_validation_mode: Option<String>,
}

/// A mocked error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MockErrorOutput {
    /// The error name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// Where a Retry or Map stands when the tested state runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestStateConfiguration {
    /// Retries already made by the Retrier that matches the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrier_retry_count: Option<u64>,
    /// The state inside a Map or Parallel that raised a mocked error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_caused_by_state: Option<String>,
    /// How many of a Map's iterations failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_iteration_failure_count: Option<u64>,
    /// What a Distributed Map's ItemReader reads, as found in its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_item_reader_data: Option<String>,
}

/// TestState's response.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TestStateOutput {
    /// The state's output, JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The error, when it failed, is retried or is caught.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The data at each step (DEBUG and TRACE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection_data: Option<InspectionData>,
    /// The state that comes next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_state: Option<String>,
    /// `SUCCEEDED`, `FAILED`, `RETRIABLE` or `CAUGHT_ERROR`.
    pub status: String,
}

/// The data at each step of the state's processing, as JSON texts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct InspectionData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_arguments: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_input_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_parameters: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_result_selector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_result_path: Option<String>,
    /// The HTTP Task's request (TRACE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<InspectionDataRequest>,
    /// The HTTP Task's response (TRACE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<InspectionDataResponse>,
    /// The workflow variables after the state's Assign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<String>,
    /// Which Retrier or Catcher handled the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_details: Option<InspectionErrorDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_items_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_item_selector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_item_batcher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_items_pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerated_failure_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerated_failure_percentage: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<u64>,
}

/// An HTTP Task's request as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct InspectionDataRequest {
    pub protocol: Option<String>,
    pub method: Option<String>,
    pub url: Option<String>,
    pub headers: Option<String>,
    pub body: Option<String>,
}

/// An HTTP Task's response as received.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct InspectionDataResponse {
    pub protocol: Option<String>,
    pub status_code: Option<String>,
    pub status_message: Option<String>,
    pub headers: Option<String>,
    pub body: Option<String>,
}

/// Which Retrier or Catcher handled the error, and the retry's wait.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InspectionErrorDetails {
    /// The index of the Catcher that caught the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catch_index: Option<u64>,
    /// The index of the Retrier that retries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_index: Option<u64>,
    /// The wait before that retry, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_backoff_interval_seconds: Option<u64>,
}
