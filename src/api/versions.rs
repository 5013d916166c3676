//! UpdateStateMachine, PublishStateMachineVersion, ListStateMachineVersions and
//! DeleteStateMachineVersion. A version is the state machine's entry as it was when
//! published: immutable, so executions started on it run that definition and role
//! whatever the state machine becomes.

use super::error::ApiError;
use super::records::{RevisionRecord, StateMachineEntry, VersionEntry, VersionRecord};
use super::resources::kind;
use super::service::{check_role, parse_machine, StepFunctions};
use super::types::*;
use crate::types::arn::StateMachineArn;
use crate::types::{Qualifier, StateMachineType};
use std::sync::Arc;

/// AWS: at most 1000 versions per state machine.
const MAX_VERSIONS: usize = 1000;

impl StepFunctions {
    /// UpdateStateMachine: a new definition or role (or both) becomes the state machine's
    /// current revision; running executions keep the one they started with.
    pub fn update_state_machine(
        &self,
        req: UpdateStateMachineInput,
    ) -> Result<UpdateStateMachineOutput, ApiError> {
        let arn: StateMachineArn = req.state_machine_arn.parse()?;
        if arn.qualified().1.is_some() {
            return Err(ApiError::ValidationException(format!(
                "Invalid Arn: '{arn}': a version or alias cannot be updated; update the state machine"
            )));
        }
        if req.definition.is_none()
            && req.role_arn.is_none()
            && req.logging_configuration.is_none()
            && req.tracing_configuration.is_none()
        {
            return Err(ApiError::MissingRequiredParameter(
                "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified".into(),
            ));
        }
        if req.version_description.is_some() && !req.publish {
            return Err(ApiError::ValidationException(
                "A version description can only be given with publish".into(),
            ));
        }
        super::records::check_logging(req.logging_configuration.as_ref())?;
        let old = self.state_machine(arn.as_str())?;
        if let Some(role) = &req.role_arn {
            check_role(role)?;
        }
        let machine = match &req.definition {
            Some(d) => Arc::new(parse_machine(d)?),
            None => Arc::clone(&old.machine),
        };
        let now = self.service.clock.now();
        let entry = Arc::new(StateMachineEntry {
            arn: old.arn.clone(),
            definition: req
                .definition
                .map_or_else(|| Arc::clone(&old.definition), Arc::from),
            machine,
            role_arn: req.role_arn.unwrap_or_else(|| old.role_arn.clone()),
            machine_type: old.machine_type,
            creation_date: old.creation_date,
            revision_id: Some(uuid::Uuid::new_v4().to_string()),
            update_date: Some(now),
            launch: Default::default(),
        });
        self.persist_machine(&entry)?;
        self.persist_revision(&entry)?;
        self.service
            .state_machines
            .insert(arn.to_string(), Arc::clone(&entry));
        let version = if req.publish {
            Some(
                self.publish_current(arn.as_str(), None, req.version_description)?
                    .state_machine_version_arn,
            )
        } else {
            None
        };
        Ok(UpdateStateMachineOutput {
            update_date: now,
            revision_id: entry.revision_id.clone(),
            state_machine_version_arn: version,
        })
    }

    /// PublishStateMachineVersion: the current revision becomes the next version; a
    /// revision already published returns its version.
    pub fn publish_state_machine_version(
        &self,
        req: PublishStateMachineVersionInput,
    ) -> Result<PublishStateMachineVersionOutput, ApiError> {
        let arn: StateMachineArn = req.state_machine_arn.parse()?;
        self.publish_current(arn.as_str(), req.revision_id, req.description)
    }

    pub(crate) fn publish_current(
        &self,
        machine_arn: &str,
        expected_revision: Option<String>,
        description: Option<String>,
    ) -> Result<PublishStateMachineVersionOutput, ApiError> {
        let entry = self.state_machine(machine_arn)?;
        let current = entry.revision_id.as_deref().unwrap_or("INITIAL");
        if let Some(expected) = expected_revision.filter(|e| e != current) {
            return Err(ApiError::ConflictException(format!(
                "Failed to publish the State Machine version for revision {expected}. The current State Machine revision is {current}."
            )));
        }
        let mut versions = self
            .service
            .versions
            .entry(machine_arn.to_string())
            .or_default();
        if let Some(v) = versions
            .versions
            .values()
            .find(|v| v.entry.revision_id == entry.revision_id)
        {
            return Ok(PublishStateMachineVersionOutput {
                creation_date: v.creation_date,
                state_machine_version_arn: entry.arn.version(v.number).to_string(),
            });
        }
        if versions.versions.len() >= MAX_VERSIONS {
            return Err(ApiError::ServiceQuotaExceededException(format!(
                "The state machine '{machine_arn}' has {MAX_VERSIONS} versions, the most it may have; delete some first"
            )));
        }
        let number = versions.published + 1;
        let version = VersionEntry {
            number,
            entry: Arc::clone(&entry),
            description,
            creation_date: self.service.clock.now(),
        };
        let version_arn = entry.arn.version(number);
        self.persist_resource(
            kind::VERSIONS,
            version_arn.as_str(),
            &VersionRecord {
                definition: entry.definition.to_string(),
                role_arn: entry.role_arn.clone(),
                machine_type: entry.machine_type.as_str().into(),
                revision_id: entry.revision_id.clone(),
                description: version.description.clone(),
                creation_date: version.creation_date,
                machine_creation_date: entry.creation_date,
                update_date: entry.update_date,
            },
        )?;
        versions.published = number;
        let creation_date = version.creation_date;
        versions.versions.insert(number, Arc::new(version));
        drop(versions);
        self.persist_revision(&entry)?;
        Ok(PublishStateMachineVersionOutput {
            creation_date,
            state_machine_version_arn: version_arn.to_string(),
        })
    }

    /// ListStateMachineVersions: newest first, one page at a time.
    pub fn list_state_machine_versions(
        &self,
        req: ListByStateMachineInput,
    ) -> Result<ListStateMachineVersionsOutput, ApiError> {
        let arn: StateMachineArn = req.state_machine_arn.parse()?;
        let all: Vec<StateMachineVersionListItem> = self
            .service
            .versions
            .get(arn.as_str())
            .map(|v| {
                v.versions
                    .values()
                    .rev()
                    .map(|v| StateMachineVersionListItem {
                        state_machine_version_arn: arn.version(v.number).to_string(),
                        creation_date: v.creation_date,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (state_machine_versions, next_token) =
            super::page::page(all, req.max_results, req.next_token.as_deref())?;
        Ok(ListStateMachineVersionsOutput {
            state_machine_versions,
            next_token,
        })
    }

    /// DeleteStateMachineVersion: refused while an alias routes to the version; deleting
    /// one that does not exist is not an error.
    pub fn delete_state_machine_version(
        &self,
        req: StateMachineVersionArnInput,
    ) -> Result<(), ApiError> {
        let arn: StateMachineArn = req.state_machine_version_arn.parse()?;
        let (machine, Some(Qualifier::Version(n))) = arn.qualified() else {
            return Err(ApiError::ValidationException(format!(
                "Invalid Arn: '{arn}': not a state machine version's ARN"
            )));
        };
        let users: Vec<String> = self
            .service
            .aliases
            .iter()
            .filter(|a| {
                a.routing
                    .iter()
                    .any(|r| r.state_machine_version_arn == arn.as_str())
            })
            .map(|a| a.key().clone())
            .collect();
        if !users.is_empty() {
            return Err(ApiError::ConflictException(format!(
                "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{}]",
                users.join(", ")
            )));
        }
        let removed = self
            .service
            .versions
            .get_mut(machine.as_str())
            .and_then(|mut v| v.versions.remove(&n));
        if removed.is_some() {
            self.forget_resource(kind::VERSIONS, arn.as_str());
        }
        Ok(())
    }

    /// The version a version ARN names.
    pub(crate) fn version(&self, arn: &StateMachineArn) -> Result<Arc<VersionEntry>, ApiError> {
        let missing =
            || ApiError::StateMachineDoesNotExist(format!("State Machine Does Not Exist: '{arn}'"));
        let (machine, Some(Qualifier::Version(n))) = arn.qualified() else {
            return Err(missing());
        };
        self.service
            .versions
            .get(machine.as_str())
            .and_then(|v| v.versions.get(&n).cloned())
            .ok_or_else(missing)
    }

    /// Records the state machine's revision and how many versions it published.
    fn persist_revision(&self, entry: &StateMachineEntry) -> Result<(), ApiError> {
        let published = self
            .service
            .versions
            .get(entry.arn.as_str())
            .map_or(0, |v| v.published);
        self.persist_resource(
            kind::REVISIONS,
            entry.arn.as_str(),
            &RevisionRecord {
                revision_id: entry.revision_id.clone(),
                update_date: entry.update_date,
                published,
            },
        )
    }

    /// Deletes a deleted state machine's versions and aliases with it, as AWS does.
    pub(crate) fn drop_versions_and_aliases(&self, machine: &StateMachineArn) {
        if let Some((_, versions)) = self.service.versions.remove(machine.as_str()) {
            for n in versions.versions.keys() {
                self.forget_resource(kind::VERSIONS, machine.version(*n).as_str());
            }
        }
        self.forget_resource(kind::REVISIONS, machine.as_str());
        for (arn, _) in self.aliases_of(machine) {
            self.service.aliases.remove(&arn);
            self.forget_resource(kind::ALIASES, &arn);
        }
    }

    /// Takes back the revisions and versions a data directory holds (after the state
    /// machines).
    pub(crate) fn restore_versions(&self) {
        for (arn, r) in self.load_resources::<RevisionRecord>(kind::REVISIONS) {
            if let Some(mut e) = self.service.state_machines.get_mut(&arn) {
                let mut updated = StateMachineEntry::clone(&e);
                updated.revision_id = r.revision_id;
                updated.update_date = r.update_date;
                *e = Arc::new(updated);
            }
            self.service.versions.entry(arn).or_default().published = r.published;
        }
        for (arn, r) in self.load_resources::<VersionRecord>(kind::VERSIONS) {
            if let Err(e) = self.restore_version(&arn, r) {
                self.store_error(format!("version {arn}: {e}"));
            }
        }
    }

    fn restore_version(&self, arn: &str, r: VersionRecord) -> Result<(), ApiError> {
        let arn: StateMachineArn = arn.parse()?;
        let (machine, Some(Qualifier::Version(n))) = arn.qualified() else {
            return Err(ApiError::InvalidArn(format!("Invalid Arn: '{arn}'")));
        };
        let entry = StateMachineEntry {
            arn: machine.clone(),
            machine: Arc::new(parse_machine(&r.definition)?),
            definition: r.definition.into(),
            role_arn: r.role_arn,
            machine_type: if r.machine_type == "EXPRESS" {
                StateMachineType::EXPRESS
            } else {
                StateMachineType::STANDARD
            },
            creation_date: r.machine_creation_date,
            revision_id: r.revision_id,
            update_date: r.update_date,
            launch: Default::default(),
        };
        let mut versions = self
            .service
            .versions
            .entry(machine.to_string())
            .or_default();
        versions.published = versions.published.max(n);
        versions.versions.insert(
            n,
            Arc::new(VersionEntry {
                number: n,
                entry: Arc::new(entry),
                description: r.description,
                creation_date: r.creation_date,
            }),
        );
        Ok(())
    }
}
