//! The AWS JSON 1.0 protocol around the operations: which operation a request names, its
//! body read within AWS's limit, and answers in the shapes the SDKs parse. An error is HTTP
//! 400 (500 for a fault of the service) with `{"__type": "...#Name", "message": "..."}`,
//! and every answer carries an `x-amzn-RequestId`.

use super::failure::Failure;
use super::operations;
use crate::api::{ApiError, StepFunctions};
use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse};
use futures::StreamExt;
use std::sync::atomic::{AtomicU64, Ordering};

/// AWS: a request body is at most 1 MB (a definition or an input of 256 KiB, in JSON text
/// with its escapes, fits well inside).
pub const BODY_LIMIT: usize = 1 << 20;

/// What every operation's `X-Amz-Target` starts with.
const TARGET_PREFIX: &str = "AWSStepFunctions.";

/// The namespace the error names are given in, as the model's shapes are.
const ERROR_NAMESPACE: &str = "com.amazonaws.sfn";

/// The content type of every request and answer.
pub(super) const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// Answers one request, whatever it is.
pub(super) async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    sfn: web::Data<StepFunctions>,
) -> HttpResponse {
    let id = request_id();
    let answer = match operation(&req) {
        Ok(op) => match read_body(payload).await {
            Ok(body) => operations::dispatch(&sfn, op, &body).await,
            Err(f) => Err(f),
        },
        Err(f) => Err(f),
    };
    let mut response = match &answer {
        Ok(_) => HttpResponse::Ok(),
        Err(f) => HttpResponse::build(f.status()),
    };
    response
        .insert_header((header::CONTENT_TYPE, CONTENT_TYPE))
        .insert_header(("x-amzn-RequestId", id));
    match answer {
        Ok(body) => response.body(body),
        Err(f) => response.body(error_body(&f)),
    }
}

/// The operation `X-Amz-Target` names, for a `POST /`.
fn operation(req: &HttpRequest) -> Result<&str, Failure> {
    if req.method() != Method::POST || req.path() != "/" {
        return Err(Failure::UnknownOperation(format!(
            "{} {} is not an operation: every operation is a POST to / naming itself in X-Amz-Target",
            req.method(),
            req.path()
        )));
    }
    let target = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    target
        .strip_prefix(TARGET_PREFIX)
        .filter(|op| !op.is_empty())
        .ok_or_else(|| {
            Failure::UnknownOperation(format!(
                "The X-Amz-Target '{target}' names no operation of this service"
            ))
        })
}

/// The body, read as it comes and refused once past [`BODY_LIMIT`], so a huge or endless
/// body is never held whole.
async fn read_body(mut payload: web::Payload) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            Failure::Serialization(format!("The request body could not be read: {e}"))
        })?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(Failure::Api(ApiError::ValidationException(format!(
                "The request body is larger than the {BODY_LIMIT} bytes a request may have"
            ))));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An error as the SDKs parse it: the name after `#` in `__type`, and the message.
fn error_body(f: &Failure) -> String {
    serde_json::json!({
        "__type": format!("{ERROR_NAMESPACE}#{}", f.name()),
        "message": f.message(),
    })
    .to_string()
}

/// A request id unique within the process, in the UUID shape AWS's have.
fn request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let pid = u64::from(std::process::id());
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (pid & 0xffff_ffff) as u32,
        (n >> 48) & 0xffff,
        (n >> 36) & 0xfff,
        (n >> 48) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}
