//! ARNs and names as newtypes: parsed and validated once, at the edge.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// A name or an ARN that is not well formed, with AWS's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    /// `InvalidName`.
    #[error("{0}")]
    InvalidName(String),
    /// `InvalidArn`.
    #[error("{0}")]
    InvalidArn(String),
}

impl ArnError {
    /// The AWS error name.
    pub fn name(&self) -> &'static str {
        match self {
            ArnError::InvalidName(_) => "InvalidName",
            ArnError::InvalidArn(_) => "InvalidArn",
        }
    }
}

/// A resource name (state machine or execution): 1–80 characters, none of white space,
/// `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`, or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    /// A name the runtime made itself (a UUID), or took from an ARN it already checked.
    pub(crate) fn trusted(name: String) -> Name {
        Name(name)
    }
}

impl FromStr for Name {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, ArnError> {
        let n = s.chars().count();
        if n == 0 || n > 80 {
            return Err(ArnError::InvalidName(format!(
                "Invalid Name: '{s}' (must be 1 to 80 characters)"
            )));
        }
        if let Some(c) = s.chars().find(|c| {
            c.is_whitespace()
                || c.is_control()
                || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(*c)
                || ('\u{7f}'..='\u{9f}').contains(c)
        }) {
            return Err(ArnError::InvalidName(format!(
                "Invalid Name: '{s}' (the character {c:?} is not allowed)"
            )));
        }
        Ok(Name(s.to_string()))
    }
}

/// The impls every ARN and name newtype shares: its text, shown and compared as such.
macro_rules! text_newtype {
    ($t:ident) => {
        impl $t {
            /// The text, as AWS writes it.
            pub fn as_str(&self) -> &str {
                &self.0[..]
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0[..])
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0[..]
            }
        }

        impl std::borrow::Borrow<str> for $t {
            fn borrow(&self) -> &str {
                &self.0[..]
            }
        }

        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.0[..] == *other
            }
        }

        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.0[..] == **other
            }
        }

        impl PartialEq<String> for $t {
            fn eq(&self, other: &String) -> bool {
                self.0[..] == other[..]
            }
        }

        impl PartialEq<$t> for String {
            fn eq(&self, other: &$t) -> bool {
                self[..] == other.0[..]
            }
        }

        impl PartialEq<$t> for &str {
            fn eq(&self, other: &$t) -> bool {
                self[..] == other.0[..]
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0[..])
            }
        }

        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0[..].to_string()
            }
        }
    };
}

/// The ARNs the service indexes by: each map that does shares the one text.
macro_rules! shared_text {
    ($t:ident) => {
        impl $t {
            /// The text, shared: a map that indexes by it keeps no copy of its own.
            pub fn shared(&self) -> Arc<str> {
                Arc::clone(&self.0)
            }
        }
    };
}

shared_text!(StateMachineArn);
shared_text!(ExecutionArn);

text_newtype!(Name);
text_newtype!(StateMachineArn);
text_newtype!(ExecutionArn);
text_newtype!(MapRunArn);
text_newtype!(ActivityArn);

/// `arn:{partition}:states:{region}:{account}:stateMachine:{name}`, checked when parsed and
/// kept as its text (a Distributed Map's child machine is `{name}/{label}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StateMachineArn(Arc<str>);

/// `arn:{partition}:states:{region}:{account}:execution:{stateMachine}:{name}`, or for an
/// EXPRESS execution `...:express:{stateMachine}:{name}:{id}` (its name need not be unique),
/// checked when parsed and kept as its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExecutionArn(Arc<str>);

/// What follows a state machine's ARN in the ARN of one of its versions or aliases.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// A published version, numbered from 1.
    Version(u64),
    /// An alias, by name.
    Alias(String),
}

/// `arn:{partition}:states:{region}:{account}:activity:{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActivityArn(String);

/// `arn:{partition}:states:{region}:{account}:mapRun:{stateMachine}/{label}:{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MapRunArn(String);

/// The `:`-separated fields of an ARN of `n` fields (the last keeps any `:` it holds).
fn field(arn: &str, n: usize, i: usize) -> &str {
    arn.splitn(n, ':').nth(i).unwrap_or_default()
}

fn parts<'a>(s: &'a str, kind: &str, n: usize) -> Result<Vec<&'a str>, ArnError> {
    let p: Vec<&str> = s.splitn(n, ':').collect();
    let ok = p.len() == n
        && p[0] == "arn"
        && !p[1].is_empty()
        && p[2] == "states"
        && !p[3].is_empty()
        && p[4].len() == 12
        && p[4].bytes().all(|b| b.is_ascii_digit())
        && p[5] == kind
        && p[6..].iter().all(|x| !x.is_empty());
    if ok {
        Ok(p)
    } else {
        Err(ArnError::InvalidArn(format!("Invalid Arn: '{s}'")))
    }
}

impl StateMachineArn {
    /// The ARN of state machine `name` of an account in a region.
    pub fn new(partition: &str, region: &str, account: &str, name: &Name) -> Self {
        StateMachineArn(
            format!("arn:{partition}:states:{region}:{account}:stateMachine:{name}").into(),
        )
    }

    /// The AWS partition (`aws`, `aws-cn`, ...).
    pub fn partition(&self) -> &str {
        field(&self.0, 7, 1)
    }

    /// The region, e.g. `us-east-1`.
    pub fn region(&self) -> &str {
        field(&self.0, 7, 3)
    }

    /// The 12-digit account ID.
    pub fn account(&self) -> &str {
        field(&self.0, 7, 4)
    }

    /// The state machine's name (`{name}/{label}` for a Distributed Map's children).
    pub fn name(&self) -> &str {
        field(&self.0, 7, 6)
    }

    /// The ARN of this state machine's execution `name`.
    pub fn execution(&self, name: &str) -> ExecutionArn {
        ExecutionArn::after(&self.execution_prefix(), name)
    }

    /// The ARN of this EXPRESS state machine's execution `name`: AWS adds an id, since the
    /// names of Express executions need not be unique.
    pub fn express_execution(&self, name: &str) -> ExecutionArn {
        let prefix = self.0.replacen(":stateMachine:", ":express:", 1);
        let id = uuid::Uuid::new_v4();
        ExecutionArn(format!("{prefix}:{name}:{id}").into())
    }

    /// What the ARNs of this machine's executions start with, up to their names: made once
    /// for a Map Run's many children.
    pub(crate) fn execution_prefix(&self) -> String {
        let mut prefix = self.0.replacen(":stateMachine:", ":execution:", 1);
        prefix.push(':');
        prefix
    }

    /// A version ARN (`...:stateMachine:{name}:{n}`) or an alias ARN
    /// (`...:stateMachine:{name}:{alias}`) split into the state machine's ARN and what
    /// follows it; an unqualified ARN has no qualifier.
    pub fn qualified(&self) -> (StateMachineArn, Option<Qualifier>) {
        match self.0.rsplit_once(':') {
            Some((machine, q))
                if field(machine, 7, 5) == "stateMachine" && machine.split(':').count() == 7 =>
            {
                let qualifier = match q.parse::<u64>() {
                    Ok(n) if !q.starts_with('0') => Qualifier::Version(n),
                    _ => Qualifier::Alias(q.to_string()),
                };
                (StateMachineArn(machine.into()), Some(qualifier))
            }
            _ => (self.clone(), None),
        }
    }

    /// The ARN of this state machine's version `n`.
    pub fn version(&self, n: u64) -> StateMachineArn {
        StateMachineArn(format!("{}:{n}", self.0).into())
    }

    /// The ARN of this state machine's alias `name`.
    pub fn alias(&self, name: &str) -> StateMachineArn {
        StateMachineArn(format!("{}:{name}", self.0).into())
    }

    /// What the child executions of this machine's Distributed Map state `label` run.
    pub fn map_children(&self, label: &str) -> StateMachineArn {
        StateMachineArn(format!("{}/{label}", self.0).into())
    }

    /// The ARN of run `id` of this machine's Distributed Map state `label`.
    pub fn map_run(&self, label: &str, id: &str) -> MapRunArn {
        let run = self.0.replacen(":stateMachine:", ":mapRun:", 1);
        MapRunArn(format!("{run}/{label}:{id}"))
    }
}

impl FromStr for StateMachineArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, ArnError> {
        parts(s, "stateMachine", 7)?;
        Ok(StateMachineArn(s.into()))
    }
}

impl ExecutionArn {
    /// The execution `name` after its machine's [`StateMachineArn::execution_prefix`].
    pub(crate) fn after(prefix: &str, name: &str) -> Self {
        let mut arn = String::with_capacity(prefix.len() + name.len());
        arn.push_str(prefix);
        arn.push_str(name);
        ExecutionArn(arn.into())
    }

    /// The AWS partition (`aws`, `aws-cn`, ...).
    pub fn partition(&self) -> &str {
        field(&self.0, 8, 1)
    }

    /// The region, e.g. `us-east-1`.
    pub fn region(&self) -> &str {
        field(&self.0, 8, 3)
    }

    /// The 12-digit account ID.
    pub fn account(&self) -> &str {
        field(&self.0, 8, 4)
    }

    /// The name of the state machine the execution runs.
    pub fn state_machine(&self) -> &str {
        field(&self.0, 8, 6)
    }

    /// The execution's name.
    pub fn name(&self) -> &str {
        let name = field(&self.0, 8, 7);
        match self.is_express() {
            true => name.rsplit_once(':').map_or(name, |(n, _)| n),
            false => name,
        }
    }

    /// Whether this is the ARN of an EXPRESS execution, which AWS neither describes nor
    /// lists unless a Map Run started it.
    pub fn is_express(&self) -> bool {
        field(&self.0, 8, 5) == EXPRESS_KIND
    }

    /// The ARN of the state machine this execution belongs to.
    pub fn state_machine_arn(&self) -> StateMachineArn {
        let kind = if self.is_express() {
            ":express:"
        } else {
            ":execution:"
        };
        let machine = self.0.replacen(kind, ":stateMachine:", 1);
        let mut end = machine.rfind(':').unwrap_or(machine.len());
        if self.is_express() {
            end = machine[..end].rfind(':').unwrap_or(end);
        }
        StateMachineArn(machine[..end].into())
    }
}

/// The resource type of an EXPRESS execution's ARN.
const EXPRESS_KIND: &str = "express";

impl FromStr for ExecutionArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, ArnError> {
        if field(s, 8, 5) == EXPRESS_KIND {
            let p = parts(s, EXPRESS_KIND, 9)?;
            if p[8].contains(':') {
                return Err(ArnError::InvalidArn(format!("Invalid Arn: '{s}'")));
            }
        } else {
            parts(s, "execution", 8)?;
        }
        Ok(ExecutionArn(s.into()))
    }
}

impl FromStr for MapRunArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, ArnError> {
        let p = parts(s, "mapRun", 8)?;
        if !p[6].contains('/') {
            return Err(ArnError::InvalidArn(format!("Invalid Arn: '{s}'")));
        }
        Ok(MapRunArn(s.to_string()))
    }
}

impl ActivityArn {
    /// The ARN of activity `name` of an account in a region.
    pub fn new(partition: &str, region: &str, account: &str, name: &Name) -> Self {
        ActivityArn(format!(
            "arn:{partition}:states:{region}:{account}:activity:{name}"
        ))
    }

    /// The activity's name.
    pub fn name(&self) -> &str {
        field(&self.0, 7, 6)
    }
}

impl FromStr for ActivityArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, ArnError> {
        parts(s, "activity", 7)?;
        Ok(ActivityArn(s.to_string()))
    }
}

#[cfg(test)]
mod tests;
