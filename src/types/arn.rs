//! ARNs and names as newtypes: parsed and validated once, at the edge.

use std::fmt;
use std::str::FromStr;

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
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
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

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `arn:{partition}:states:{region}:{account}:stateMachine:{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StateMachineArn {
    /// The AWS partition (`aws`, `aws-cn`, ...).
    pub partition: String,
    /// The region, e.g. `us-east-1`.
    pub region: String,
    /// The 12-digit account ID.
    pub account: String,
    /// The state machine's name.
    pub name: String,
}

/// `arn:{partition}:states:{region}:{account}:execution:{stateMachine}:{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExecutionArn {
    /// The AWS partition (`aws`, `aws-cn`, ...).
    pub partition: String,
    /// The region, e.g. `us-east-1`.
    pub region: String,
    /// The 12-digit account ID.
    pub account: String,
    /// The name of the state machine the execution runs.
    pub state_machine: String,
    /// The execution's name.
    pub name: String,
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

impl FromStr for StateMachineArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, ArnError> {
        let p = parts(s, "stateMachine", 7)?;
        Ok(StateMachineArn {
            partition: p[1].into(),
            region: p[3].into(),
            account: p[4].into(),
            name: p[6].into(),
        })
    }
}

impl fmt::Display for StateMachineArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:states:{}:{}:stateMachine:{}",
            self.partition, self.region, self.account, self.name
        )
    }
}

impl FromStr for ExecutionArn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, ArnError> {
        let p = parts(s, "execution", 8)?;
        Ok(ExecutionArn {
            partition: p[1].into(),
            region: p[3].into(),
            account: p[4].into(),
            state_machine: p[6].into(),
            name: p[7].into(),
        })
    }
}

impl fmt::Display for ExecutionArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:states:{}:{}:execution:{}:{}",
            self.partition, self.region, self.account, self.state_machine, self.name
        )
    }
}

impl ExecutionArn {
    /// The ARN of the state machine this execution belongs to.
    pub fn state_machine_arn(&self) -> StateMachineArn {
        StateMachineArn {
            partition: self.partition.clone(),
            region: self.region.clone(),
            account: self.account.clone(),
            name: self.state_machine.clone(),
        }
    }
}

/// `arn:{partition}:states:{region}:{account}:mapRun:{stateMachine}/{label}:{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRunArn(String);

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

impl fmt::Display for MapRunArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!("ok-name_1".parse::<Name>().is_ok());
        for bad in ["", "a b", "a/b", "a:b", "a$b", "a\u{1}b", &"x".repeat(81)] {
            let e = bad.parse::<Name>().unwrap_err();
            assert_eq!(e.name(), "InvalidName", "{bad:?}");
        }
    }

    #[test]
    fn arns_round_trip() {
        let s = "arn:aws:states:us-east-1:123456789012:stateMachine:Sm";
        assert_eq!(s.parse::<StateMachineArn>().unwrap().to_string(), s);
        let e = "arn:aws:states:us-east-1:123456789012:execution:Sm:run-1";
        let arn = e.parse::<ExecutionArn>().unwrap();
        assert_eq!(arn.to_string(), e);
        assert_eq!(arn.state_machine_arn().to_string(), s);
    }

    #[test]
    fn malformed_arns_are_invalid_arn() {
        for bad in [
            "",
            "arn:aws:states:us-east-1:123:stateMachine:Sm",
            "arn:aws:lambda:us-east-1:123456789012:stateMachine:Sm",
            "arn:aws:states:us-east-1:123456789012:execution:Sm",
            "arn:aws:states:us-east-1:123456789012:stateMachine:",
        ] {
            assert_eq!(
                bad.parse::<StateMachineArn>().unwrap_err().name(),
                "InvalidArn"
            );
        }
        assert!("arn:aws:states:us-east-1:123456789012:stateMachine:Sm"
            .parse::<ExecutionArn>()
            .is_err());
        for bad in [
            "arn:aws:states:us-east-1:123456789012:mapRun:Sm:id",
            "arn:aws:states:us-east-1:123456789012:execution:Sm/L:id",
            "arn:aws:states:us-east-1:123456789012:mapRun:Sm/L",
        ] {
            assert_eq!(bad.parse::<MapRunArn>().unwrap_err().name(), "InvalidArn");
        }
        assert!("arn:aws:states:us-east-1:123456789012:mapRun:Sm/L:id"
            .parse::<MapRunArn>()
            .is_ok());
    }
}
