//! An HTTP Task's request and response as TestState's TRACE shows them. What the
//! definition itself put in the request is shown as sent: only the secrets an EventBridge
//! connection adds are hidden on AWS, and no connection is used here.

use crate::api::types::{InspectionDataRequest, InspectionDataResponse};
use crate::runtime::http_task::Exchange;

/// The request sent.
pub(super) fn request(x: &Exchange) -> InspectionDataRequest {
    InspectionDataRequest {
        protocol: Some(x.protocol.clone()),
        method: Some(x.method.clone()),
        url: Some(x.url.clone()),
        headers: Some(x.request_headers.clone()),
        body: Some(x.request_body.clone()),
    }
}

/// The response received.
pub(super) fn response(x: &Exchange) -> InspectionDataResponse {
    InspectionDataResponse {
        protocol: Some(x.protocol.clone()),
        status_code: x.status.map(|s| s.to_string()),
        status_message: Some(x.status_text.clone()),
        headers: Some(x.response_headers.clone()),
        body: Some(x.response_body.clone()),
    }
}
