//! An HTTP Task's request and response as TestState's TRACE shows them; without
//! `revealSecrets` the credentials a request carries are hidden.

use crate::api::types::{InspectionDataRequest, InspectionDataResponse};
use crate::runtime::http_task::Exchange;

/// Headers whose values are secrets.
const SECRET_HEADERS: [&str; 3] = ["authorization", "x-api-key", "proxy-authorization"];

/// The request sent.
pub(super) fn request(x: &Exchange, reveal_secrets: bool) -> InspectionDataRequest {
    let headers = x
        .request_headers
        .lines()
        .map(|line| match line.split_once(": ") {
            Some((name, _))
                if !reveal_secrets
                    && SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) =>
            {
                format!("{name}: <redacted>")
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    InspectionDataRequest {
        protocol: Some(x.protocol.clone()),
        method: Some(x.method.clone()),
        url: Some(x.url.clone()),
        headers: Some(headers),
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
