//! TagResource, UntagResource and ListTagsForResource, for state machines and activities.

use super::error::ApiError;
use super::resources::kind;
use super::service::StepFunctions;
use super::types::*;

use super::records::{check_tags, too_many, MAX_TAGS};

impl StepFunctions {
    /// TagResource: adds tags, or gives keys the resource has a new value.
    pub fn tag_resource(&self, req: TagResourceInput) -> Result<(), ApiError> {
        self.tagged_resource(&req.resource_arn)?;
        self.set_tags(&req.resource_arn, req.tags)
    }

    /// UntagResource: removes the tags of the given keys (keys it does not have are not
    /// an error).
    pub fn untag_resource(&self, req: UntagResourceInput) -> Result<(), ApiError> {
        self.tagged_resource(&req.resource_arn)?;
        let arn = req.resource_arn;
        let mut tags = self.tags_of(&arn);
        tags.retain(|t| !req.tag_keys.contains(&t.key));
        self.store_tags(&arn, tags)
    }

    /// ListTagsForResource: the resource's tags.
    pub fn list_tags_for_resource(
        &self,
        req: ResourceArnInput,
    ) -> Result<ListTagsOutput, ApiError> {
        self.tagged_resource(&req.resource_arn)?;
        Ok(ListTagsOutput {
            tags: self.tags_of(&req.resource_arn),
        })
    }

    /// Checks that `arn` names a state machine or activity that exists.
    fn tagged_resource(&self, arn: &str) -> Result<(), ApiError> {
        let exists = if arn.parse::<crate::types::ActivityArn>().is_ok() {
            self.service.activities.contains_key(arn)
        } else {
            let machine = arn
                .parse::<crate::types::StateMachineArn>()
                .map_err(ApiError::from)?;
            self.service.state_machines.contains_key(machine.as_str())
        };
        if exists {
            Ok(())
        } else {
            Err(ApiError::ResourceNotFound(format!(
                "Resource not found: '{arn}'"
            )))
        }
    }

    fn tags_of(&self, arn: &str) -> Vec<Tag> {
        self.service
            .tags
            .get(arn)
            .map(|t| t.value().clone())
            .unwrap_or_default()
    }

    /// Adds `new` to the tags of `arn` (a key it has takes the new value).
    pub(crate) fn set_tags(&self, arn: &str, new: Vec<Tag>) -> Result<(), ApiError> {
        check_tags(&new, arn)?;
        let mut tags = self.tags_of(arn);
        for t in new {
            match tags.iter_mut().find(|old| old.key == t.key) {
                Some(old) => old.value = t.value,
                None => tags.push(t),
            }
        }
        if tags.len() > MAX_TAGS {
            return Err(too_many(arn));
        }
        self.store_tags(arn, tags)
    }

    fn store_tags(&self, arn: &str, tags: Vec<Tag>) -> Result<(), ApiError> {
        if tags.is_empty() {
            self.drop_tags(arn);
            return Ok(());
        }
        self.persist_resource(kind::TAGS, arn, &tags)?;
        self.service.tags.insert(arn.to_string(), tags);
        Ok(())
    }

    /// Forgets the tags of a deleted resource.
    pub(crate) fn drop_tags(&self, arn: &str) {
        if self.service.tags.remove(arn).is_some() {
            self.forget_resource(kind::TAGS, arn);
        }
    }

    /// Takes back the tags a data directory holds.
    pub(crate) fn restore_tags(&self) {
        for (arn, tags) in self.load_resources::<Vec<Tag>>(kind::TAGS) {
            self.service.tags.insert(arn, tags);
        }
    }
}
