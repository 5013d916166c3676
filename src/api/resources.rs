//! The control-plane records kept beside state machines in a data directory (activities,
//! tags, versions, aliases): each is JSON of its own shape in one store record, so a new
//! kind needs no new on-disk type.

use super::error::ApiError;
use super::service::StepFunctions;
use crate::store::format::ResourceMeta;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The kinds of record, which name their folders.
pub(crate) mod kind {
    pub const ACTIVITIES: &str = "activities";
    pub const TAGS: &str = "tags";
    pub const VERSIONS: &str = "versions";
    pub const REVISIONS: &str = "revisions";
    pub const ALIASES: &str = "aliases";
    /// The version and alias an execution was started on.
    pub const STARTED_ON: &str = "started-on";
}

impl StepFunctions {
    /// Records `value` under `kind` and `key`; without a data directory nothing is kept.
    pub(crate) fn persist_resource<T: Serialize>(
        &self,
        kind: &str,
        key: &str,
        value: &T,
    ) -> Result<(), ApiError> {
        let Some(store) = &self.service.store else {
            return Ok(());
        };
        let json = serde_json::to_string(value).map_err(|e| {
            ApiError::InternalFailure(format!("The record could not be written: {e}"))
        })?;
        store
            .save_resource(
                kind,
                &ResourceMeta {
                    key: key.to_string(),
                    json,
                },
            )
            .map_err(|e| {
                ApiError::InternalFailure(format!("The data directory could not record it: {e}"))
            })
    }

    /// Forgets the record of `key` under `kind`; a failure is kept with the store errors.
    pub(crate) fn forget_resource(&self, kind: &str, key: &str) {
        if let Some(store) = &self.service.store {
            if let Err(e) = store.delete_resource(kind, key) {
                self.store_error(e);
            }
        }
    }

    /// The record of `key` under `kind` in the data directory, if there is one; one that
    /// cannot be read is kept with the store errors.
    pub(crate) fn load_resource<T: DeserializeOwned>(&self, kind: &str, key: &str) -> Option<T> {
        let store = self.service.store.as_ref()?;
        let r = match store.load_resource(kind, key) {
            Ok(r) => r?,
            Err(e) => {
                self.store_error(e);
                return None;
            }
        };
        serde_json::from_str(&r.json)
            .map_err(|e| self.store_error(format!("{kind} record {key}: {e}")))
            .ok()
    }

    /// The records of `kind` in the data directory; what cannot be read is kept with the
    /// store errors and skipped.
    pub(crate) fn load_resources<T: DeserializeOwned>(&self, kind: &str) -> Vec<(String, T)> {
        let Some(store) = &self.service.store else {
            return Vec::new();
        };
        let (records, errors) = store.load_resources(kind);
        for e in errors {
            self.store_error(e);
        }
        records
            .into_iter()
            .filter_map(|r| match serde_json::from_str(&r.json) {
                Ok(v) => Some((r.key, v)),
                Err(e) => {
                    self.store_error(format!("{kind} record {}: {e}", r.key));
                    None
                }
            })
            .collect()
    }
}
