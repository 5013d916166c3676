//! The shapes of the state machine operations and of ValidateStateMachineDefinition.

use super::epoch;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// CreateStateMachine's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachineInput {
    /// The state machine's name, which ends its ARN (1 to 80 characters).
    pub name: String,
    /// The Amazon States Language definition, as JSON text.
    pub definition: String,
    /// The IAM role ARN (`roleArn`) executions run as, shown in the context object; required.
    pub role_arn: String,
    /// `STANDARD` (when absent) or `EXPRESS`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Tags for the new state machine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<super::Tag>,
    /// Publish the new state machine's first revision as version 1.
    #[serde(default)]
    pub publish: bool,
    /// That version's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_description: Option<String>,
    /// Its logging configuration (checked, not acted on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging_configuration: Option<serde_json::Value>,
}

/// CreateStateMachine's response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachineOutput {
    /// The ARN of the created state machine (`stateMachineArn`).
    pub state_machine_arn: String,
    /// When the state machine was created; an identical one created again keeps its date.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
    /// The version published with `publish`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_machine_version_arn: Option<String>,
}

/// A request naming one state machine: DescribeStateMachine's and DeleteStateMachine's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineArnInput {
    /// The ARN of the state machine to describe or delete (`stateMachineArn`).
    pub state_machine_arn: String,
}

/// DescribeStateMachine's response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeStateMachineOutput {
    /// The ARN that identifies the state machine (`stateMachineArn`).
    pub state_machine_arn: String,
    /// The name given at creation.
    pub name: String,
    /// `ACTIVE` or `DELETING`; always `ACTIVE` here, as a delete takes effect at once.
    pub status: String,
    /// The Amazon States Language definition given at creation, as JSON text.
    pub definition: String,
    /// The IAM role ARN given at creation (`roleArn`).
    pub role_arn: String,
    /// `STANDARD` or `EXPRESS`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// When the state machine was created, on the service's clock (a version: when it was
    /// published).
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
    /// The revision described, once the state machine has been updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
    /// A version's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// ListStateMachines' request: the page size and where to continue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInput {
    /// Most items in one page: 1 to 1000; absent or 0 means 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    /// The `nextToken` of the previous page, to continue after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// One state machine in ListStateMachines' answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineListItem {
    /// The ARN that identifies the state machine (`stateMachineArn`).
    pub state_machine_arn: String,
    /// The name given at creation.
    pub name: String,
    /// `STANDARD` or `EXPRESS`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// When the state machine was created.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// ListStateMachines' response: one page of state machines.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListStateMachinesOutput {
    /// This page's state machines, in name order.
    pub state_machines: Vec<StateMachineListItem>,
    /// Set when more pages follow: pass it back as `nextToken` for the next one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ValidateStateMachineDefinition's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateStateMachineDefinitionInput {
    /// The Amazon States Language definition to check, as JSON text.
    pub definition: String,
    /// `STANDARD` (when absent) or `EXPRESS`; any other value is rejected.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
}
