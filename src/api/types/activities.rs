//! The shapes of the activity operations and of the tag operations.

use super::epoch;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A tag of a state machine or activity.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    /// 1 to 128 characters.
    pub key: String,
    /// 0 to 256 characters.
    #[serde(default)]
    pub value: String,
}

/// CreateActivity's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateActivityInput {
    /// The activity's name, which ends its ARN (1 to 80 characters).
    pub name: String,
    /// Tags for a new activity (ignored when the activity exists, as AWS ignores them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// CreateActivity's response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CreateActivityOutput {
    /// The activity's ARN, which workers poll and Task states name as `Resource`.
    pub activity_arn: String,
    /// When the activity was created.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// A request naming one activity: DescribeActivity's and DeleteActivity's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityArnInput {
    /// The activity's ARN.
    pub activity_arn: String,
}

/// DescribeActivity's response, and one activity of ListActivities' answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ActivityListItem {
    /// The activity's ARN.
    pub activity_arn: String,
    /// Its name.
    pub name: String,
    /// When it was created.
    #[serde(with = "epoch")]
    pub creation_date: DateTime<Utc>,
}

/// ListActivities' response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListActivitiesOutput {
    /// The activities of this page, in name order.
    pub activities: Vec<ActivityListItem>,
    /// Where the next page starts, if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// GetActivityTask's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetActivityTaskInput {
    /// The activity to take a task of.
    pub activity_arn: String,
    /// The worker's name, recorded in `ActivityStarted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_name: Option<String>,
}

/// GetActivityTask's response: no members when no task came within the poll.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GetActivityTaskOutput {
    /// The token to answer with (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_token: Option<String>,
    /// The task's input, JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
}

/// TagResource's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagResourceInput {
    /// The state machine or activity.
    pub resource_arn: String,
    /// Tags to add; a key it has already gets the new value.
    pub tags: Vec<Tag>,
}

/// UntagResource's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UntagResourceInput {
    /// The state machine or activity.
    pub resource_arn: String,
    /// The keys of the tags to remove.
    pub tag_keys: Vec<String>,
}

/// ListTagsForResource's request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceArnInput {
    /// The state machine or activity.
    pub resource_arn: String,
}

/// ListTagsForResource's response.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ListTagsOutput {
    /// The resource's tags, in the order they were first added.
    pub tags: Vec<Tag>,
}
