//! The model's constraints on each operation's input members, as a table: per operation,
//! each member's name, whether it is required, and what it must be. `constraints.rs`
//! checks a request against it.

/// What a member must be.
#[derive(Clone, Copy)]
pub(super) enum Rule {
    /// A string of `min..=max` characters; a sensitive one's value is never echoed.
    Text {
        min: usize,
        max: usize,
        sensitive: bool,
    },
    /// A string of `min..=max` characters, each one `ok` accepts; `pattern` is how the
    /// model writes it.
    Pattern {
        min: usize,
        max: usize,
        ok: fn(char) -> bool,
        pattern: &'static str,
    },
    Enum(&'static [&'static str]),
    Integer {
        min: i64,
        max: Option<i64>,
    },
    Float {
        min: f64,
        max: f64,
    },
    Boolean,
    Structure,
    List,
}

use Rule::*;

/// One input member: its name, whether it is required, and its rule.
pub(super) type Member = (&'static str, bool, Rule);

const ARN: Rule = Text {
    min: 1,
    max: 256,
    sensitive: false,
};
const LONG_ARN: Rule = Text {
    min: 1,
    max: 2000,
    sensitive: false,
};
const NAME: Rule = Text {
    min: 1,
    max: 80,
    sensitive: false,
};
const DEFINITION: Rule = Text {
    min: 1,
    max: 1_048_576,
    sensitive: true,
};
const PAGE_SIZE: Rule = Integer {
    min: 0,
    max: Some(1000),
};
const PAGE_TOKEN: Rule = Text {
    min: 1,
    max: 1024,
    sensitive: false,
};
const MACHINE_TYPE: Rule = Enum(&["STANDARD", "EXPRESS"]);
const INCLUDED_DATA: Rule = Enum(&["ALL_DATA", "METADATA_ONLY"]);
const INPUT: Rule = Text {
    min: 0,
    max: 262_144,
    sensitive: true,
};
const TRACE_HEADER: Rule = Pattern {
    min: 0,
    max: 256,
    ok: |c| c.is_ascii(),
    pattern: "\\p{ASCII}*",
};

const ERROR: Rule = Text {
    min: 0,
    max: 256,
    sensitive: true,
};
const CAUSE: Rule = Text {
    min: 0,
    max: 32_768,
    sensitive: true,
};
const TASK_TOKEN: Rule = Text {
    min: 1,
    max: 2048,
    sensitive: true,
};

const DESCRIPTION: Rule = Text {
    min: 0,
    max: 256,
    sensitive: true,
};

const START: &[Member] = &[
    ("stateMachineArn", true, ARN),
    ("name", false, NAME),
    ("input", false, INPUT),
    ("traceHeader", false, TRACE_HEADER),
    ("includedData", false, INCLUDED_DATA),
];

/// The input members of operation `op`, in the model's order.
pub(super) fn members(op: &str) -> &'static [Member] {
    match op {
        "CreateStateMachine" => &[
            ("name", true, NAME),
            ("definition", true, DEFINITION),
            ("roleArn", true, ARN),
            ("type", false, MACHINE_TYPE),
            ("loggingConfiguration", false, Structure),
            ("tags", false, List),
            ("tracingConfiguration", false, Structure),
            ("publish", false, Boolean),
            ("versionDescription", false, DESCRIPTION),
            ("encryptionConfiguration", false, Structure),
        ],
        "DescribeStateMachine" => &[
            ("stateMachineArn", true, ARN),
            ("includedData", false, INCLUDED_DATA),
        ],
        "ListStateMachines" => &[
            ("maxResults", false, PAGE_SIZE),
            ("nextToken", false, PAGE_TOKEN),
        ],
        "DeleteStateMachine" => &[("stateMachineArn", true, ARN)],
        "ValidateStateMachineDefinition" => &[
            ("definition", true, DEFINITION),
            ("type", false, MACHINE_TYPE),
            ("severity", false, Enum(&["ERROR", "WARNING"])),
            (
                "maxResults",
                false,
                Integer {
                    min: 0,
                    max: Some(100),
                },
            ),
        ],
        // StartExecution has no includedData; a member the model does not have is ignored.
        "StartExecution" | "StartSyncExecution" => START,
        "DescribeExecution" => &[
            ("executionArn", true, ARN),
            ("includedData", false, INCLUDED_DATA),
        ],
        "ListExecutions" => &[
            ("stateMachineArn", false, ARN),
            (
                "statusFilter",
                false,
                Enum(&[
                    "RUNNING",
                    "SUCCEEDED",
                    "FAILED",
                    "TIMED_OUT",
                    "ABORTED",
                    "PENDING_REDRIVE",
                ]),
            ),
            ("maxResults", false, PAGE_SIZE),
            (
                "nextToken",
                false,
                Text {
                    min: 1,
                    max: 3096,
                    sensitive: false,
                },
            ),
            ("mapRunArn", false, LONG_ARN),
            ("redriveFilter", false, Enum(&["REDRIVEN", "NOT_REDRIVEN"])),
        ],
        "StopExecution" => &[
            ("executionArn", true, ARN),
            ("error", false, ERROR),
            ("cause", false, CAUSE),
        ],
        "GetExecutionHistory" => &[
            ("executionArn", true, ARN),
            ("maxResults", false, PAGE_SIZE),
            ("reverseOrder", false, Boolean),
            ("nextToken", false, PAGE_TOKEN),
            ("includeExecutionData", false, Boolean),
        ],
        "RedriveExecution" => &[
            ("executionArn", true, ARN),
            (
                "clientToken",
                false,
                Pattern {
                    min: 1,
                    max: 64,
                    ok: |c| ('!'..='~').contains(&c),
                    pattern: "[!-~]+",
                },
            ),
        ],
        "SendTaskSuccess" => &[("taskToken", true, TASK_TOKEN), ("output", true, INPUT)],
        "SendTaskFailure" => &[
            ("taskToken", true, TASK_TOKEN),
            ("error", false, ERROR),
            ("cause", false, CAUSE),
        ],
        "SendTaskHeartbeat" => &[("taskToken", true, TASK_TOKEN)],
        "DescribeMapRun" => &[("mapRunArn", true, LONG_ARN)],
        "ListMapRuns" => &[
            ("executionArn", true, ARN),
            ("maxResults", false, PAGE_SIZE),
            ("nextToken", false, PAGE_TOKEN),
        ],
        "UpdateMapRun" => &[
            ("mapRunArn", true, LONG_ARN),
            ("maxConcurrency", false, Integer { min: 0, max: None }),
            (
                "toleratedFailurePercentage",
                false,
                Float {
                    min: 0.0,
                    max: 100.0,
                },
            ),
            (
                "toleratedFailureCount",
                false,
                Integer { min: 0, max: None },
            ),
        ],
        "CreateActivity" => &[
            ("name", true, NAME),
            ("tags", false, List),
            ("encryptionConfiguration", false, Structure),
        ],
        "DescribeActivity" | "DeleteActivity" => &[("activityArn", true, ARN)],
        "ListActivities" => &[
            ("maxResults", false, PAGE_SIZE),
            ("nextToken", false, PAGE_TOKEN),
        ],
        "GetActivityTask" => &[("activityArn", true, ARN), ("workerName", false, NAME)],
        "TagResource" => &[("resourceArn", true, ARN), ("tags", true, List)],
        "UntagResource" => &[("resourceArn", true, ARN), ("tagKeys", true, List)],
        "ListTagsForResource" => &[("resourceArn", true, ARN)],
        "UpdateStateMachine" => &[
            ("stateMachineArn", true, ARN),
            ("definition", false, DEFINITION),
            ("roleArn", false, ARN),
            ("loggingConfiguration", false, Structure),
            ("tracingConfiguration", false, Structure),
            ("publish", false, Boolean),
            ("versionDescription", false, DESCRIPTION),
            ("encryptionConfiguration", false, Structure),
        ],
        "PublishStateMachineVersion" => &[
            ("stateMachineArn", true, ARN),
            (
                "revisionId",
                false,
                Text {
                    min: 0,
                    max: usize::MAX,
                    sensitive: false,
                },
            ),
            ("description", false, DESCRIPTION),
        ],
        "ListStateMachineVersions" | "ListStateMachineAliases" => &[
            ("stateMachineArn", true, ARN),
            ("nextToken", false, PAGE_TOKEN),
            ("maxResults", false, PAGE_SIZE),
        ],
        "DeleteStateMachineVersion" => &[("stateMachineVersionArn", true, LONG_ARN)],
        "CreateStateMachineAlias" => &[
            ("description", false, DESCRIPTION),
            (
                "name",
                true,
                Pattern {
                    min: 1,
                    max: 80,
                    ok: |c| c.is_ascii_alphanumeric() || "_-.".contains(c),
                    pattern: "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$",
                },
            ),
            ("routingConfiguration", true, List),
        ],
        "DescribeStateMachineAlias" | "DeleteStateMachineAlias" => {
            &[("stateMachineAliasArn", true, ARN)]
        }
        "UpdateStateMachineAlias" => &[
            ("stateMachineAliasArn", true, ARN),
            ("description", false, DESCRIPTION),
            ("routingConfiguration", false, List),
        ],
        "DescribeStateMachineForExecution" => &[
            ("executionArn", true, ARN),
            ("includedData", false, INCLUDED_DATA),
        ],
        "TestState" => &[
            ("definition", true, DEFINITION),
            ("roleArn", false, ARN),
            ("input", false, INPUT),
            ("inspectionLevel", false, Enum(&["INFO", "DEBUG", "TRACE"])),
            ("revealSecrets", false, Boolean),
            ("variables", false, INPUT),
            (
                "stateName",
                false,
                Text {
                    min: 1,
                    max: 80,
                    sensitive: false,
                },
            ),
            ("mock", false, Structure),
            ("context", false, INPUT),
            ("stateConfiguration", false, Structure),
        ],
        _ => &[],
    }
}
