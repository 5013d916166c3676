//! The Choice state's rules: JSONPath comparisons and JSONata conditions.

use super::StateId;
use crate::asl::path::Path;
use crate::asl::template::Template;
use serde_json::Value;

/// The fields of a `Choice` state.
#[derive(Debug, Clone)]
pub struct ChoiceState {
    /// `Choices`: the rules in order; the first that matches picks the next state.
    pub choices: Vec<ChoiceBranch>,
    /// `Default`: the state to go to when no rule matches; without one, the state fails with
    /// `States.NoChoiceMatched`.
    pub default: Option<StateId>,
}

/// A top-level Choice rule: a condition and where it leads.
#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    /// The condition: a comparison, or `And`/`Or`/`Not` over nested rules.
    pub rule: ChoiceRule,
    /// `Next`: the state to go to when the rule matches.
    pub next: StateId,
    /// Variables set when this rule matched.
    pub assign: Option<Template>,
    /// `Output` of a JSONata rule: the state's output when this rule matched.
    pub output: Option<Template>,
}

/// A Boolean expression of a Choice state.
#[derive(Debug, Clone, PartialEq)]
pub enum ChoiceRule {
    /// `And`: holds when every nested rule holds.
    And(Vec<ChoiceRule>),
    /// `Or`: holds when at least one nested rule holds.
    Or(Vec<ChoiceRule>),
    /// `Not`: holds when the nested rule does not.
    Not(Box<ChoiceRule>),
    /// `Variable` with exactly one comparison operator field.
    Compare {
        /// `Variable`: the path to the value under test.
        variable: Path,
        /// Which test applies: the operator field's name, without any `Path` suffix.
        op: Comparison,
        /// The operator field's value: a literal, or a path for the `...Path` forms.
        operand: Operand,
    },
    /// `Condition` of a JSONata rule: a Boolean, or an expression that must give one.
    Condition(Template),
}

/// The comparison operators; the `...Path` forms are [`Operand::Path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `StringEquals(Path)`: the strings are equal.
    StringEquals,
    /// `StringLessThan(Path)`: the string sorts before the operand.
    StringLessThan,
    /// `StringGreaterThan(Path)`: the string sorts after the operand.
    StringGreaterThan,
    /// `StringLessThanEquals(Path)`: the string sorts before the operand or equals it.
    StringLessThanEquals,
    /// `StringGreaterThanEquals(Path)`: the string sorts after the operand or equals it.
    StringGreaterThanEquals,
    /// `StringMatches`: the string fits a pattern where `*` stands for any run of characters.
    StringMatches,
    /// `NumericEquals(Path)`: the numbers are equal.
    NumericEquals,
    /// `NumericLessThan(Path)`: the number is below the operand.
    NumericLessThan,
    /// `NumericGreaterThan(Path)`: the number is above the operand.
    NumericGreaterThan,
    /// `NumericLessThanEquals(Path)`: the number is at most the operand.
    NumericLessThanEquals,
    /// `NumericGreaterThanEquals(Path)`: the number is at least the operand.
    NumericGreaterThanEquals,
    /// `BooleanEquals(Path)`: both are Booleans and equal.
    BooleanEquals,
    /// `TimestampEquals(Path)`: the timestamps denote the same instant.
    TimestampEquals,
    /// `TimestampLessThan(Path)`: the timestamp is earlier than the operand.
    TimestampLessThan,
    /// `TimestampGreaterThan(Path)`: the timestamp is later than the operand.
    TimestampGreaterThan,
    /// `TimestampLessThanEquals(Path)`: the timestamp is not later than the operand.
    TimestampLessThanEquals,
    /// `TimestampGreaterThanEquals(Path)`: the timestamp is not earlier than the operand.
    TimestampGreaterThanEquals,
    /// `IsNull`: with `true`, the value is null; with `false`, it is not.
    IsNull,
    /// `IsPresent`: with `true`, the path selects something; with `false`, nothing.
    IsPresent,
    /// `IsNumeric`: with `true`, the value is a number; with `false`, it is not.
    IsNumeric,
    /// `IsString`: with `true`, the value is a string; with `false`, it is not.
    IsString,
    /// `IsBoolean`: with `true`, the value is a Boolean; with `false`, it is not.
    IsBoolean,
    /// `IsTimestamp`: with `true`, the value is an ISO 8601 timestamp string; with `false`, not.
    IsTimestamp,
}

/// What the variable is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal from the definition, such as the string given to `StringEquals`.
    Value(Value),
    /// A path from a `...Path` operator (`StringEqualsPath`), read when the rule is evaluated.
    Path(Path),
}
