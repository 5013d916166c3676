//! The API's errors: exactly AWS Step Functions' error shapes, by name.

/// An API error; [`ApiError::name`] is the AWS error type (`ExecutionDoesNotExist`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// An ARN that is malformed or names the wrong kind of resource.
    #[error("InvalidArn: {0}")]
    InvalidArn(String),
    /// A definition that is not valid Amazon States Language; the message lists the errors.
    #[error("InvalidDefinition: {0}")]
    InvalidDefinition(String),
    /// A state machine or execution name: empty, over 80 characters, or with a banned character.
    #[error("InvalidName: {0}")]
    InvalidName(String),
    /// An execution input that is not valid JSON.
    #[error("InvalidExecutionInput: {0}")]
    InvalidExecutionInput(String),
    /// A `nextToken` this service could not have handed out (malformed, or past the end).
    #[error("InvalidToken: {0}")]
    InvalidToken(String),
    /// A state machine of that name exists with another definition, role or type.
    #[error("StateMachineAlreadyExists: {0}")]
    StateMachineAlreadyExists(String),
    /// No state machine has that ARN: it was never created, or was deleted.
    #[error("StateMachineDoesNotExist: {0}")]
    StateMachineDoesNotExist(String),
    /// AWS's error for a state machine being deleted; not raised here, as deletes are immediate.
    #[error("StateMachineDeleting: {0}")]
    StateMachineDeleting(String),
    /// The operation does not apply to the state machine's type (StartSyncExecution on
    /// STANDARD, ListExecutions on EXPRESS).
    #[error("StateMachineTypeNotSupported: {0}")]
    StateMachineTypeNotSupported(String),
    /// No execution, top-level or a Map Run's child, has that ARN.
    #[error("ExecutionDoesNotExist: {0}")]
    ExecutionDoesNotExist(String),
    /// The execution name is taken, unless by a running STANDARD execution with the same
    /// input (which StartExecution then returns).
    #[error("ExecutionAlreadyExists: {0}")]
    ExecutionAlreadyExists(String),
    /// AWS's error for too many open executions; this service does not raise it.
    #[error("ExecutionLimitExceeded: {0}")]
    ExecutionLimitExceeded(String),
    /// RedriveExecution on an execution that cannot be redriven; the message says why.
    #[error("ExecutionNotRedrivable: {0}")]
    ExecutionNotRedrivable(String),
    /// A request field breaks a constraint (a range, a size, a set of allowed values).
    #[error("ValidationException: {0}")]
    ValidationException(String),
    /// No Map Run has that ARN.
    #[error("ResourceNotFound: {0}")]
    ResourceNotFound(String),
    /// A task token of a task that is no longer waiting: answered already, or its
    /// execution ended.
    #[error("TaskDoesNotExist: {0}")]
    TaskDoesNotExist(String),
    /// A task token of a task that timed out (TimeoutSeconds or HeartbeatSeconds).
    #[error("TaskTimedOut: {0}")]
    TaskTimedOut(String),
    /// SendTaskSuccess's output is not valid JSON.
    #[error("InvalidOutput: {0}")]
    InvalidOutput(String),
    /// No activity has that ARN.
    #[error("ActivityDoesNotExist: {0}")]
    ActivityDoesNotExist(String),
    /// A resource would have more than 50 tags.
    #[error("TooManyTags: {0}")]
    TooManyTags(String),
    /// The logging configuration is not one AWS accepts.
    #[error("InvalidLoggingConfiguration: {0}")]
    InvalidLoggingConfiguration(String),
    /// The request conflicts with the resource's state (a revision changed, a version an
    /// alias uses, an alias that exists with other settings).
    #[error("ConflictException: {0}")]
    ConflictException(String),
    /// A quota is reached (1000 versions, 100 aliases per state machine).
    #[error("ServiceQuotaExceededException: {0}")]
    ServiceQuotaExceededException(String),
    /// A request that changes nothing: none of its optional members is given.
    #[error("MissingRequiredParameter: {0}")]
    MissingRequiredParameter(String),
    /// AWS's common error for a request that failed on the service's side (HTTP 500):
    /// here, the data directory could not record what the request would change.
    #[error("InternalFailure: {0}")]
    InternalFailure(String),
}

impl ApiError {
    /// The AWS error type name.
    pub fn name(&self) -> &'static str {
        match self {
            ApiError::InvalidArn(_) => "InvalidArn",
            ApiError::InvalidDefinition(_) => "InvalidDefinition",
            ApiError::InvalidName(_) => "InvalidName",
            ApiError::InvalidExecutionInput(_) => "InvalidExecutionInput",
            ApiError::InvalidToken(_) => "InvalidToken",
            ApiError::StateMachineAlreadyExists(_) => "StateMachineAlreadyExists",
            ApiError::StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
            ApiError::StateMachineDeleting(_) => "StateMachineDeleting",
            ApiError::StateMachineTypeNotSupported(_) => "StateMachineTypeNotSupported",
            ApiError::ExecutionDoesNotExist(_) => "ExecutionDoesNotExist",
            ApiError::ExecutionAlreadyExists(_) => "ExecutionAlreadyExists",
            ApiError::ExecutionLimitExceeded(_) => "ExecutionLimitExceeded",
            ApiError::ExecutionNotRedrivable(_) => "ExecutionNotRedrivable",
            ApiError::ValidationException(_) => "ValidationException",
            ApiError::ResourceNotFound(_) => "ResourceNotFound",
            ApiError::TaskDoesNotExist(_) => "TaskDoesNotExist",
            ApiError::TaskTimedOut(_) => "TaskTimedOut",
            ApiError::InvalidOutput(_) => "InvalidOutput",
            ApiError::ActivityDoesNotExist(_) => "ActivityDoesNotExist",
            ApiError::TooManyTags(_) => "TooManyTags",
            ApiError::InvalidLoggingConfiguration(_) => "InvalidLoggingConfiguration",
            ApiError::ConflictException(_) => "ConflictException",
            ApiError::ServiceQuotaExceededException(_) => "ServiceQuotaExceededException",
            ApiError::MissingRequiredParameter(_) => "MissingRequiredParameter",
            ApiError::InternalFailure(_) => "InternalFailure",
        }
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        match self {
            ApiError::InvalidArn(m)
            | ApiError::InvalidDefinition(m)
            | ApiError::InvalidName(m)
            | ApiError::InvalidExecutionInput(m)
            | ApiError::InvalidToken(m)
            | ApiError::StateMachineAlreadyExists(m)
            | ApiError::StateMachineDoesNotExist(m)
            | ApiError::StateMachineDeleting(m)
            | ApiError::StateMachineTypeNotSupported(m)
            | ApiError::ExecutionDoesNotExist(m)
            | ApiError::ExecutionAlreadyExists(m)
            | ApiError::ExecutionLimitExceeded(m)
            | ApiError::ExecutionNotRedrivable(m)
            | ApiError::ValidationException(m)
            | ApiError::ResourceNotFound(m)
            | ApiError::TaskDoesNotExist(m)
            | ApiError::TaskTimedOut(m)
            | ApiError::InvalidOutput(m)
            | ApiError::ActivityDoesNotExist(m)
            | ApiError::TooManyTags(m)
            | ApiError::InvalidLoggingConfiguration(m)
            | ApiError::ConflictException(m)
            | ApiError::ServiceQuotaExceededException(m)
            | ApiError::MissingRequiredParameter(m)
            | ApiError::InternalFailure(m) => m,
        }
    }
}

impl ApiError {
    /// The ValidationException for constraints a request breaks, in AWS's words: "N
    /// validation error(s) detected: " and each violation, `; ` between them.
    pub(crate) fn violations(list: &[String]) -> Self {
        ApiError::ValidationException(match list {
            [one] => format!("1 validation error detected: {one}"),
            _ => format!(
                "{} validation errors detected: {}",
                list.len(),
                list.join("; ")
            ),
        })
    }

    /// The ValidationException for a JSON payload member (`input`, `output`) longer than
    /// `limit` bytes, in AWS's words.
    pub(crate) fn payload_too_large(member: &str, limit: usize) -> Self {
        Self::violations(&[format!(
            "Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {limit}"
        )])
    }
}

impl From<crate::types::ArnError> for ApiError {
    fn from(e: crate::types::ArnError) -> Self {
        match e {
            crate::types::ArnError::InvalidName(m) => ApiError::InvalidName(m),
            crate::types::ArnError::InvalidArn(m) => ApiError::InvalidArn(m),
        }
    }
}
