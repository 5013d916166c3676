//! The shapes of UpdateStateMachine, the version and alias operations and
//! DescribeStateMachineForExecution.

use super::epoch;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// UpdateStateMachine's request: what changes, and whether to publish the result.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStateMachineInput {
    /// The state machine (not a version or alias).
    pub state_machine_arn: String,
    /// A new definition, JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// A new IAM role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// A new logging configuration (checked, not acted on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging_configuration: Option<serde_json::Value>,
    /// A new tracing configuration (accepted, not acted on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracing_configuration: Option<serde_json::Value>,
    /// Publish the new revision as a version.
    #[serde(default)]
    pub publish: bool,
    /// The description of that version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_description: Option<String>,
}

/// UpdateStateMachine's response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStateMachineOutput {
    /// When the state machine changed.
    #[serde(with = "epoch")]
    pub update_date: DateTime<Utc>,
    /// The new revision's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
    /// The version published, with `publish`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_machine_version_arn: Option<String>,
}

/// PublishStateMachineVersion's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishStateMachineVersionInput {
    /// The state machine whose current revision becomes a version.
    pub state_machine_arn: String,
    /// Publish only if this is still the current revision (`INITIAL` before any update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
    /// The version's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// PublishStateMachineVersion's response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PublishStateMachineVersionOutput {
    /// When the version was published (an existing version of the revision keeps its date).
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
    /// The version's ARN: the state machine's and `:{number}`.
    pub state_machine_version_arn: String,
}

/// ListStateMachineVersions' and ListStateMachineAliases' request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListByStateMachineInput {
    /// The state machine.
    pub state_machine_arn: String,
    /// The `nextToken` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// Most items in one page: 1 to 1000; absent or 0 means 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
}

/// One version in ListStateMachineVersions' answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineVersionListItem {
    /// The version's ARN.
    pub state_machine_version_arn: String,
    /// When it was published.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// ListStateMachineVersions' response, newest version first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListStateMachineVersionsOutput {
    /// This page's versions.
    pub state_machine_versions: Vec<StateMachineVersionListItem>,
    /// Where the next page starts, if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// DeleteStateMachineVersion's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineVersionArnInput {
    /// The version's ARN.
    pub state_machine_version_arn: String,
}

/// A version an alias routes to, and its share of the executions (percent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RoutingConfigurationListItem {
    /// The version's ARN.
    pub state_machine_version_arn: String,
    /// 0 to 100; the weights of an alias add up to 100.
    pub weight: u32,
}

/// CreateStateMachineAlias' request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachineAliasInput {
    /// The alias's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The alias's name, which ends its ARN.
    pub name: String,
    /// One or two versions of one state machine, with weights adding up to 100.
    pub routing_configuration: Vec<RoutingConfigurationListItem>,
}

/// CreateStateMachineAlias' response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachineAliasOutput {
    /// The alias's ARN: the state machine's and `:{name}`.
    pub state_machine_alias_arn: String,
    /// When it was created.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// A request naming one alias: DescribeStateMachineAlias' and DeleteStateMachineAlias'.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineAliasArnInput {
    /// The alias's ARN.
    pub state_machine_alias_arn: String,
}

/// DescribeStateMachineAlias' response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DescribeStateMachineAliasOutput {
    /// The alias's ARN.
    pub state_machine_alias_arn: String,
    /// Its name.
    pub name: String,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The versions it routes to.
    pub routing_configuration: Vec<RoutingConfigurationListItem>,
    /// When it was created.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
    /// When it last changed, if it did.
    #[serde(with = "epoch::opt", skip_serializing_if = "Option::is_none", default)]
    pub update_date: Option<DateTime<Utc>>,
}

/// UpdateStateMachineAlias' request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStateMachineAliasInput {
    /// The alias's ARN.
    pub state_machine_alias_arn: String,
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_configuration: Option<Vec<RoutingConfigurationListItem>>,
}

/// UpdateStateMachineAlias' response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStateMachineAliasOutput {
    /// When the alias changed.
    #[serde(with = "epoch")]
    pub update_date: DateTime<Utc>,
}

/// One alias in ListStateMachineAliases' answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineAliasListItem {
    /// The alias's ARN.
    pub state_machine_alias_arn: String,
    /// When it was created.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// ListStateMachineAliases' response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListStateMachineAliasesOutput {
    /// This page's aliases, in name order.
    pub state_machine_aliases: Vec<StateMachineAliasListItem>,
    /// Where the next page starts, if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// DescribeStateMachineForExecution's response: the definition the execution ran.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DescribeStateMachineForExecutionOutput {
    /// The state machine (a version's ARN when it was started on one).
    pub state_machine_arn: String,
    /// The state machine's name.
    pub name: String,
    /// The definition the execution ran, JSON text.
    pub definition: String,
    /// The role it ran as.
    pub role_arn: String,
    /// When the state machine last changed (its creation, if never).
    #[serde(with = "epoch")]
    pub update_date: DateTime<Utc>,
    /// The Map Run that started it, for a Distributed Map's child execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_run_arn: Option<String>,
    /// The Distributed Map state's label, for a child execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The revision it ran, when the state machine had been updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
}
