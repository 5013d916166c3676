//! The API's errors: exactly AWS Step Functions' error shapes, by name.

/// An API error; [`ApiError::name`] is the AWS error type (`ExecutionDoesNotExist`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("InvalidArn: {0}")]
    InvalidArn(String),
    #[error("InvalidDefinition: {0}")]
    InvalidDefinition(String),
    #[error("InvalidName: {0}")]
    InvalidName(String),
    #[error("InvalidExecutionInput: {0}")]
    InvalidExecutionInput(String),
    #[error("InvalidToken: {0}")]
    InvalidToken(String),
    #[error("StateMachineAlreadyExists: {0}")]
    StateMachineAlreadyExists(String),
    #[error("StateMachineDoesNotExist: {0}")]
    StateMachineDoesNotExist(String),
    #[error("StateMachineDeleting: {0}")]
    StateMachineDeleting(String),
    #[error("StateMachineTypeNotSupported: {0}")]
    StateMachineTypeNotSupported(String),
    #[error("ExecutionDoesNotExist: {0}")]
    ExecutionDoesNotExist(String),
    #[error("ExecutionAlreadyExists: {0}")]
    ExecutionAlreadyExists(String),
    #[error("ExecutionLimitExceeded: {0}")]
    ExecutionLimitExceeded(String),
    #[error("ExecutionNotRedrivable: {0}")]
    ExecutionNotRedrivable(String),
    #[error("ValidationException: {0}")]
    ValidationException(String),
    #[error("ResourceNotFound: {0}")]
    ResourceNotFound(String),
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
            | ApiError::InternalFailure(m) => m,
        }
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
