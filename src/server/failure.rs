//! Why a request got no answer from an operation, and how that is said over HTTP.

use crate::api::ApiError;
use actix_web::http::StatusCode;

/// Why a request got no answer from an operation.
#[derive(Debug)]
pub(super) enum Failure {
    /// An error of the operation, one of the model's error shapes.
    Api(ApiError),
    /// The request did not name an operation this service has.
    UnknownOperation(String),
    /// The body is not the JSON the operation takes.
    Serialization(String),
}

impl Failure {
    pub(super) fn name(&self) -> &str {
        match self {
            Failure::Api(e) => e.name(),
            Failure::UnknownOperation(_) => "UnknownOperationException",
            Failure::Serialization(_) => "SerializationException",
        }
    }

    pub(super) fn message(&self) -> &str {
        match self {
            Failure::Api(e) => e.message(),
            Failure::UnknownOperation(m) | Failure::Serialization(m) => m,
        }
    }

    pub(super) fn status(&self) -> StatusCode {
        match self {
            Failure::Api(ApiError::InternalFailure(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}
