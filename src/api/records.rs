//! The records of the control plane that the service's registry and the operations on it
//! share: state machines, activities, versions and aliases as kept, and the rules tags and
//! logging configurations follow.

use super::error::ApiError;
use super::launch::Launch;
use super::types::Tag;
use crate::asl::StateMachine;
use crate::types::arn::StateMachineArn;
use crate::types::StateMachineType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A created state machine.
#[derive(Debug, Clone)]
pub struct StateMachineEntry {
    /// The state machine's ARN, made of the service's region and account and the name.
    pub arn: StateMachineArn,
    /// The definition as given at creation or last update, JSON text.
    pub definition: Arc<str>,
    /// The parsed definition that new executions run.
    pub machine: Arc<StateMachine>,
    /// The IAM role ARN given at creation (`roleArn`).
    pub role_arn: String,
    /// `STANDARD` or `EXPRESS`.
    pub machine_type: StateMachineType,
    /// When the state machine was created, on the service's clock.
    pub creation_date: DateTime<Utc>,
    /// The revision since its last UpdateStateMachine (none before the first).
    pub revision_id: Option<String>,
    /// When it was last updated.
    pub update_date: Option<DateTime<Utc>>,
    /// What its executions start with, unless they are given mocks.
    pub(crate) launch: LaunchCache,
}

impl StateMachineEntry {
    /// What a new execution of this revision starts with (no mocks): one for all of them.
    pub(crate) fn launch(&self) -> Arc<Launch> {
        let made = self.launch.0.get_or_init(|| {
            Arc::new(Launch {
                machine: Arc::clone(&self.machine),
                definition: Arc::clone(&self.definition),
                revision: self.revision_id.clone().zip(self.update_date),
                state_machine_name: self.arn.name().into(),
                role_arn: self.role_arn.as_str().into(),
                mocks: None,
                objects: None,
                stored_log: None,
                environment: Default::default(),
            })
        });
        Arc::clone(made)
    }
}

/// A state machine's [`Launch`], made on first use. A copy of the entry starts without
/// it, so that a copy changed afterwards never starts executions with the original's.
#[derive(Default)]
pub(crate) struct LaunchCache(std::sync::OnceLock<Arc<Launch>>);

impl Clone for LaunchCache {
    fn clone(&self) -> Self {
        LaunchCache::default()
    }
}

impl std::fmt::Debug for LaunchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LaunchCache")
    }
}

/// An activity as created, and as kept in a data directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ActivityEntry {
    pub(crate) name: String,
    #[serde(with = "super::types::epoch")]
    pub(crate) creation_date: DateTime<Utc>,
}

/// AWS: at most 50 tags per resource.
pub(crate) const MAX_TAGS: usize = 50;

/// Refuses more than [`MAX_TAGS`] tags for `arn`, and keys or values of the wrong length
/// (keys 1 to 128 characters, values up to 256), in the words of the model's constraints.
pub(crate) fn check_tags(tags: &[Tag], arn: &str) -> Result<(), ApiError> {
    if tags.len() > MAX_TAGS {
        return Err(too_many(arn));
    }
    let mut violations = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        let key = t.key.chars().count();
        if key == 0 || key > 128 {
            violations.push(format!(
                "Value '{}' at 'tags.{}.member.key' failed to satisfy constraint: Member must have length {}",
                t.key,
                i + 1,
                if key == 0 { "greater than or equal to 1" } else { "less than or equal to 128" }
            ));
        }
        if t.value.chars().count() > 256 {
            violations.push(format!(
                "Value '{}' at 'tags.{}.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
                t.value,
                i + 1
            ));
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ApiError::violations(&violations))
    }
}

pub(crate) fn too_many(arn: &str) -> ApiError {
    ApiError::TooManyTags(format!(
        "Too many tags: a resource has at most {MAX_TAGS} tags: '{arn}'"
    ))
}

/// A published version: the state machine's entry as it was when published (its
/// definition, role and revision), its number and description.
#[derive(Debug)]
pub(crate) struct VersionEntry {
    pub(crate) number: u64,
    pub(crate) entry: Arc<StateMachineEntry>,
    pub(crate) description: Option<String>,
    pub(crate) creation_date: DateTime<Utc>,
}

/// The versions of one state machine, and the highest number it ever published (a
/// deleted version's number is not used again).
#[derive(Debug, Default)]
pub(crate) struct MachineVersions {
    pub(crate) published: u64,
    pub(crate) versions: std::collections::BTreeMap<u64, Arc<VersionEntry>>,
}

/// A version as kept in a data directory (`resources/versions`, by version ARN).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VersionRecord {
    pub(crate) definition: String,
    pub(crate) role_arn: String,
    pub(crate) machine_type: String,
    pub(crate) revision_id: Option<String>,
    pub(crate) description: Option<String>,
    #[serde(with = "super::types::epoch")]
    pub(crate) creation_date: DateTime<Utc>,
    #[serde(with = "super::types::epoch")]
    pub(crate) machine_creation_date: DateTime<Utc>,
    /// When the state machine was last updated before this version was published.
    #[serde(with = "super::types::epoch::opt", default)]
    pub(crate) update_date: Option<DateTime<Utc>>,
}

/// What a state machine's file does not hold (`resources/revisions`, by its ARN): its
/// revision since the last update, and how many versions it published.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RevisionRecord {
    pub(crate) revision_id: Option<String>,
    #[serde(with = "super::types::epoch::opt", default)]
    pub(crate) update_date: Option<DateTime<Utc>>,
    pub(crate) published: u64,
}

/// An alias (`resources/aliases`, by alias ARN).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AliasEntry {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) routing: Vec<super::types::RoutingConfigurationListItem>,
    #[serde(with = "super::types::epoch")]
    pub(crate) creation_date: DateTime<Utc>,
    #[serde(with = "super::types::epoch::opt", default)]
    pub(crate) update_date: Option<DateTime<Utc>>,
}

/// Checks a logging configuration as AWS does: a level other than `OFF` needs exactly one
/// log destination.
pub(crate) fn check_logging(config: Option<&serde_json::Value>) -> Result<(), ApiError> {
    let Some(c) = config else {
        return Ok(());
    };
    let level = c["level"].as_str().unwrap_or("OFF");
    if !["ALL", "ERROR", "FATAL", "OFF"].contains(&level) {
        return Err(ApiError::ValidationException(format!(
            "1 validation error detected: Value '{level}' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]"
        )));
    }
    let destinations = c["destinations"].as_array().map_or(0, Vec::len);
    if destinations > 1 {
        return Err(ApiError::InvalidLoggingConfiguration(
            "Invalid Logging Configuration: Must specify exactly one Log Destination.".into(),
        ));
    }
    if level != "OFF" && destinations == 0 {
        return Err(ApiError::InvalidLoggingConfiguration(format!(
            "Invalid Logging Configuration: Must specify exactly one Log Destination when the level is {level}."
        )));
    }
    Ok(())
}
