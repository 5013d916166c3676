//! The alias operations: an alias routes the executions started on it to one version of a
//! state machine, or splits them between two by weight.

use super::error::ApiError;
use super::records::{AliasEntry, VersionEntry};
use super::resources::kind;
use super::service::StepFunctions;
use super::types::*;
use crate::runtime::StartedOn;
use crate::types::arn::StateMachineArn;
use crate::types::Qualifier;
use std::sync::Arc;

/// AWS: at most 100 aliases per state machine.
const MAX_ALIASES: usize = 100;

fn not_found(arn: &str) -> ApiError {
    ApiError::ResourceNotFound(format!("Resource not found: '{arn}'"))
}

/// The model's pattern for alias names: 1 to 80 of `[a-zA-Z0-9_.-]`, not all digits (a
/// number names a version).
fn check_alias_name(name: &str) -> Result<(), ApiError> {
    let ok = (1..=80).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        && name.chars().any(|c| !c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(ApiError::ValidationException(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"
        )))
    }
}

/// An alias's ARN, checked to be one.
fn alias_arn(arn: &str) -> Result<StateMachineArn, ApiError> {
    let parsed: StateMachineArn = arn.parse()?;
    match parsed.qualified() {
        (_, Some(Qualifier::Alias(_))) => Ok(parsed),
        _ => Err(ApiError::InvalidArn(format!(
            "Invalid Arn: '{arn}': not a state machine alias's ARN"
        ))),
    }
}

impl StepFunctions {
    /// Checks a routing configuration: one or two existing versions of one state machine,
    /// weights adding up to 100. Returns that state machine.
    fn check_routing(
        &self,
        routing: &[RoutingConfigurationListItem],
    ) -> Result<StateMachineArn, ApiError> {
        if routing.is_empty() || routing.len() > 2 {
            return Err(ApiError::ValidationException(format!(
                "1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length between 1 and 2 (it has {})",
                routing.len()
            )));
        }
        let mut machine: Option<StateMachineArn> = None;
        for r in routing {
            let arn: StateMachineArn = r.state_machine_version_arn.parse()?;
            let (m, Some(Qualifier::Version(_))) = arn.qualified() else {
                return Err(ApiError::ValidationException(format!(
                    "Routing configuration must contain state machine version ARNs: '{arn}'"
                )));
            };
            if r.weight > 100 {
                return Err(ApiError::ValidationException(format!(
                    "1 validation error detected: Value '{}' at 'routingConfiguration.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100",
                    r.weight
                )));
            }
            if machine.as_ref().is_some_and(|first| *first != m) {
                return Err(ApiError::ValidationException(
                    "Routing configuration must contain versions of the same state machine".into(),
                ));
            }
            self.version(&arn).map_err(|_| not_found(arn.as_str()))?;
            machine = Some(m);
        }
        if routing.len() == 2
            && routing[0].state_machine_version_arn == routing[1].state_machine_version_arn
        {
            return Err(ApiError::ValidationException(
                "Routing configuration must contain distinct state machine versions".into(),
            ));
        }
        let total: u32 = routing.iter().map(|r| r.weight).sum();
        if total != 100 {
            return Err(ApiError::ValidationException(format!(
                "Sum of routing configuration weights must be equal to 100 (it is {total})"
            )));
        }
        machine.ok_or_else(|| ApiError::ValidationException("No routing configuration".into()))
    }

    /// CreateStateMachineAlias: an alias of the state machine whose versions it routes to;
    /// creating the same alias again returns it, a different one of that name conflicts.
    pub fn create_state_machine_alias(
        &self,
        req: CreateStateMachineAliasInput,
    ) -> Result<CreateStateMachineAliasOutput, ApiError> {
        check_alias_name(&req.name)?;
        let machine = self.check_routing(&req.routing_configuration)?;
        self.state_machine(machine.as_str())?;
        let arn = machine.alias(&req.name).to_string();
        if let Some(existing) = self.service.aliases.get(&arn) {
            let same_routing = existing.routing.len() == req.routing_configuration.len()
                && req
                    .routing_configuration
                    .iter()
                    .all(|r| existing.routing.contains(r));
            if existing.description == req.description && same_routing {
                return Ok(CreateStateMachineAliasOutput {
                    state_machine_alias_arn: arn,
                    creation_date: existing.creation_date,
                });
            }
            return Err(ApiError::ConflictException(format!(
                "Failed to create alias because an alias with the same name and a different routing configuration already exists: '{arn}'"
            )));
        }
        if self.aliases_of(&machine).len() >= MAX_ALIASES {
            return Err(ApiError::ServiceQuotaExceededException(format!(
                "The state machine '{machine}' has {MAX_ALIASES} aliases, the most it may have"
            )));
        }
        let entry = AliasEntry {
            name: req.name,
            description: req.description,
            routing: req.routing_configuration,
            creation_date: self.service.clock.now(),
            update_date: None,
        };
        self.persist_resource(kind::ALIASES, &arn, &entry)?;
        let creation_date = entry.creation_date;
        self.service.aliases.insert(arn.clone(), entry);
        Ok(CreateStateMachineAliasOutput {
            state_machine_alias_arn: arn,
            creation_date,
        })
    }

    /// DescribeStateMachineAlias.
    pub fn describe_state_machine_alias(
        &self,
        req: StateMachineAliasArnInput,
    ) -> Result<DescribeStateMachineAliasOutput, ApiError> {
        let arn = alias_arn(&req.state_machine_alias_arn)?;
        let a = self
            .service
            .aliases
            .get(arn.as_str())
            .ok_or_else(|| not_found(arn.as_str()))?;
        Ok(DescribeStateMachineAliasOutput {
            state_machine_alias_arn: arn.to_string(),
            name: a.name.clone(),
            description: a.description.clone(),
            routing_configuration: a.routing.clone(),
            creation_date: a.creation_date,
            update_date: a.update_date,
        })
    }

    /// UpdateStateMachineAlias: a new description or routing (or both).
    pub fn update_state_machine_alias(
        &self,
        req: UpdateStateMachineAliasInput,
    ) -> Result<UpdateStateMachineAliasOutput, ApiError> {
        let arn = alias_arn(&req.state_machine_alias_arn)?;
        if req.description.is_none() && req.routing_configuration.is_none() {
            return Err(ApiError::ValidationException(
                "Either the description or the routing configuration must be specified".into(),
            ));
        }
        if let Some(routing) = &req.routing_configuration {
            let machine = self.check_routing(routing)?;
            if machine != arn.qualified().0 {
                return Err(ApiError::ValidationException(
                    "Routing configuration must contain versions of the alias's state machine"
                        .into(),
                ));
            }
        }
        let mut updated = self
            .service
            .aliases
            .get(arn.as_str())
            .map(|a| a.clone())
            .ok_or_else(|| not_found(arn.as_str()))?;
        let now = self.service.clock.now();
        if let Some(d) = req.description {
            updated.description = Some(d);
        }
        if let Some(r) = req.routing_configuration {
            updated.routing = r;
        }
        updated.update_date = Some(now);
        self.persist_resource(kind::ALIASES, arn.as_str(), &updated)?;
        self.service.aliases.insert(arn.to_string(), updated);
        Ok(UpdateStateMachineAliasOutput { update_date: now })
    }

    /// DeleteStateMachineAlias: executions started through it keep its ARN.
    pub fn delete_state_machine_alias(
        &self,
        req: StateMachineAliasArnInput,
    ) -> Result<(), ApiError> {
        let arn = alias_arn(&req.state_machine_alias_arn)?;
        self.service
            .aliases
            .remove(arn.as_str())
            .ok_or_else(|| not_found(arn.as_str()))?;
        self.forget_resource(kind::ALIASES, arn.as_str());
        Ok(())
    }

    /// ListStateMachineAliases: a state machine's aliases in name order.
    pub fn list_state_machine_aliases(
        &self,
        req: ListByStateMachineInput,
    ) -> Result<ListStateMachineAliasesOutput, ApiError> {
        let arn: StateMachineArn = req.state_machine_arn.parse()?;
        // A version's ARN lists the aliases that route to it.
        let (machine, version) = match arn.qualified() {
            (m, Some(Qualifier::Version(_))) => {
                self.version(&arn)?;
                (m, Some(arn.to_string()))
            }
            (m, None) => (m, None),
            (_, Some(Qualifier::Alias(_))) => {
                return Err(ApiError::InvalidArn(format!(
                    "Invalid Arn: '{arn}': a state machine's or a version's ARN is expected"
                )))
            }
        };
        self.state_machine(machine.as_str())?;
        let routes_to = |a: &AliasEntry| {
            version
                .as_ref()
                .is_none_or(|v| a.routing.iter().any(|r| &r.state_machine_version_arn == v))
        };
        let mut aliases = self.aliases_of(&machine);
        aliases.retain(|(_, a)| routes_to(a));
        aliases.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        let all = aliases
            .into_iter()
            .map(|(arn, a)| StateMachineAliasListItem {
                state_machine_alias_arn: arn,
                creation_date: a.creation_date,
            })
            .collect();
        let (state_machine_aliases, next_token) =
            super::page::page(all, req.max_results, req.next_token.as_deref())?;
        Ok(ListStateMachineAliasesOutput {
            state_machine_aliases,
            next_token,
        })
    }

    /// The aliases of state machine `machine`, with their ARNs.
    pub(crate) fn aliases_of(&self, machine: &StateMachineArn) -> Vec<(String, AliasEntry)> {
        let prefix = format!("{machine}:");
        self.service
            .aliases
            .iter()
            .filter(|a| a.key().starts_with(&prefix))
            .map(|a| (a.key().clone(), a.value().clone()))
            .collect()
    }

    /// What an execution started on `arn` runs: the state machine's current revision, a
    /// version, or a version an alias picks by its weights.
    pub(crate) fn start_target(
        &self,
        arn: &str,
    ) -> Result<(Arc<super::records::StateMachineEntry>, Option<StartedOn>), ApiError> {
        let parsed: StateMachineArn = arn.parse()?;
        match parsed.qualified() {
            (_, None) => Ok((self.state_machine(arn)?, None)),
            (_, Some(Qualifier::Version(_))) => {
                let v = self.version(&parsed)?;
                let on = StartedOn {
                    version_arn: parsed.to_string(),
                    alias_arn: None,
                };
                Ok((Arc::clone(&v.entry), Some(on)))
            }
            (_, Some(Qualifier::Alias(_))) => {
                let routing = self
                    .service
                    .aliases
                    .get(parsed.as_str())
                    .map(|a| a.routing.clone())
                    .ok_or_else(|| {
                        ApiError::StateMachineDoesNotExist(format!(
                            "State Machine Does Not Exist: '{arn}'"
                        ))
                    })?;
                let (version_arn, version) = self.pick(&routing)?;
                let on = StartedOn {
                    version_arn,
                    alias_arn: Some(parsed.to_string()),
                };
                Ok((Arc::clone(&version.entry), Some(on)))
            }
        }
    }

    /// One of an alias's versions, chosen at random by weight.
    fn pick(
        &self,
        routing: &[RoutingConfigurationListItem],
    ) -> Result<(String, Arc<VersionEntry>), ApiError> {
        let mut roll = rand::random::<u32>() % 100;
        let chosen = routing
            .iter()
            .find(|r| {
                if roll < r.weight {
                    true
                } else {
                    roll -= r.weight;
                    false
                }
            })
            .or(routing.first())
            .ok_or_else(|| ApiError::InternalFailure("An alias without versions".into()))?;
        let arn: StateMachineArn = chosen.state_machine_version_arn.parse()?;
        Ok((arn.to_string(), self.version(&arn)?))
    }

    /// Takes back the aliases a data directory holds.
    pub(crate) fn restore_aliases(&self) {
        for (arn, a) in self.load_resources::<AliasEntry>(kind::ALIASES) {
            self.service.aliases.insert(arn, a);
        }
    }
}
