//! The records of the control plane that the service's registry and the operations on it
//! share: activities as kept, and the rules tags follow.

use super::error::ApiError;
use super::types::Tag;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    match violations.len() {
        0 => Ok(()),
        n => Err(ApiError::ValidationException(format!(
            "{n} validation error{} detected: {}",
            if n == 1 { "" } else { "s" },
            violations.join("; ")
        ))),
    }
}

pub(crate) fn too_many(arn: &str) -> ApiError {
    ApiError::TooManyTags(format!(
        "Too many tags: a resource has at most {MAX_TAGS} tags: '{arn}'"
    ))
}
