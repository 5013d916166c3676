//! The HTTP Task (`arn:aws:states:::http:invoke`): calls `ApiEndpoint` with `Method`,
//! `Headers`, `QueryParameters` and `RequestBody` (JSON, or URL-encoded with
//! `Transform.RequestBodyEncoding`), and answers `Headers`, `ResponseBody`, `StatusCode` and
//! `StatusText`. A status outside 2xx fails the task with `States.Http.StatusCode.{code}`,
//! as on AWS; an endpoint that cannot be reached with `States.Http.Socket`. The
//! `Authentication` connection is not used: requests go as they are.

use super::handlers::{TaskFailure, TaskHandler, TaskRequest, TaskResult};
use futures::future::BoxFuture;
use serde_json::{json, Map, Value};
use std::time::Duration;

/// The HTTP Task's resource.
pub const RESOURCE: &str = "arn:aws:states:::http:invoke";

/// The largest response body read.
const BODY_LIMIT: u64 = 8 << 20;

/// One request and its response, as TestState's TRACE shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exchange {
    /// `HTTP/1.1`.
    pub protocol: String,
    /// The method sent.
    pub method: String,
    /// The URL, with its query.
    pub url: String,
    /// The request's headers, `name: value` per line.
    pub request_headers: String,
    /// The request's body.
    pub request_body: String,
    /// The response's status, if one came.
    pub status: Option<u16>,
    /// Its reason phrase.
    pub status_text: String,
    /// The response's headers, `name: value` per line.
    pub response_headers: String,
    /// The response's body.
    pub response_body: String,
}

/// Calls HTTP endpoints for HTTP Tasks.
#[derive(Clone)]
pub struct HttpTask {
    agent: ureq::Agent,
}

impl Default for HttpTask {
    fn default() -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        HttpTask { agent }
    }
}

impl TaskHandler for HttpTask {
    fn call(&self, request: TaskRequest) -> BoxFuture<'static, TaskResult> {
        let me = self.clone();
        Box::pin(async move { me.invoke_async(request.parameters).await.0 })
    }
}

fn bad(cause: impl Into<String>) -> TaskFailure {
    TaskFailure::new(crate::data::names::RUNTIME, cause)
}

/// What is percent-encoded in a query or form: all but RFC 3986's unreserved characters.
const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn escape(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, ENCODED).to_string()
}

/// `Map` of query parameters or form fields as `a=1&b=2`, percent-encoded.
fn encode(fields: &Map<String, Value>) -> String {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = Vec::new();
    for (k, v) in fields {
        let values: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for v in values {
            out.push(format!("{}={}", escape(k), escape(&text(v))));
        }
    }
    out.join("&")
}

impl HttpTask {
    /// Calls the endpoint the parameters name, off the executions' threads; the task's
    /// answer and what was sent and received.
    pub async fn invoke_async(&self, parameters: Value) -> (TaskResult, Exchange) {
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.invoke(&parameters))
            .await
            .unwrap_or_else(|e| {
                (
                    Err(bad(format!("The HTTP call did not finish: {e}"))),
                    Exchange::default(),
                )
            })
    }

    /// Calls the endpoint (blocking).
    pub fn invoke(&self, p: &Value) -> (TaskResult, Exchange) {
        let mut x = Exchange {
            protocol: "HTTP/1.1".into(),
            ..Default::default()
        };
        let r = self.exchange(p, &mut x);
        (r, x)
    }

    fn exchange(&self, p: &Value, x: &mut Exchange) -> TaskResult {
        let endpoint = p["ApiEndpoint"]
            .as_str()
            .ok_or_else(|| bad("The HTTP Task needs an ApiEndpoint string"))?;
        let method = p["Method"]
            .as_str()
            .ok_or_else(|| bad("The HTTP Task needs a Method string"))?
            .to_ascii_uppercase();
        if !["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"].contains(&method.as_str())
        {
            return Err(bad(format!("The HTTP method '{method}' is not supported")));
        }
        let mut url = endpoint.to_string();
        if let Some(q) = p["QueryParameters"].as_object().filter(|q| !q.is_empty()) {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&encode(q));
        }
        let url_encoded = p["Transform"]["RequestBodyEncoding"] == "URL_ENCODED";
        let (body, content_type) = match &p["RequestBody"] {
            Value::Null => (None, None),
            Value::Object(fields) if url_encoded => (
                Some(encode(fields)),
                Some("application/x-www-form-urlencoded"),
            ),
            Value::String(s) => (Some(s.clone()), Some("text/plain")),
            other => (Some(other.to_string()), Some("application/json")),
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        if let Some(ct) = content_type {
            headers.push(("Content-Type".into(), ct.into()));
        }
        for (k, v) in p["Headers"].as_object().into_iter().flatten() {
            let v = v.as_str().map_or_else(|| v.to_string(), String::from);
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
            headers.push((k.clone(), v));
        }
        x.method = method.clone();
        x.url = url.clone();
        x.request_headers = headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n");
        x.request_body = body.clone().unwrap_or_default();
        let mut builder = ureq::http::Request::builder()
            .method(method.as_str())
            .uri(&url);
        for (k, v) in &headers {
            builder = builder.header(k, v);
        }
        let sent = match body {
            Some(b) => builder
                .body(b)
                .map_err(|e| bad(format!("The HTTP request is not valid: {e}")))
                .and_then(|r| self.agent.run(r).map_err(socket)),
            None => builder
                .body(())
                .map_err(|e| bad(format!("The HTTP request is not valid: {e}")))
                .and_then(|r| self.agent.run(r).map_err(socket)),
        };
        let mut response = sent?;
        let status = response.status();
        let mut out_headers = Map::new();
        for (name, value) in response.headers() {
            let v = Value::String(value.to_str().unwrap_or_default().to_string());
            // Each header's values in one array, as AWS lists them.
            if let Value::Array(a) = out_headers
                .entry(name.as_str().to_string())
                .or_insert_with(|| json!([]))
            {
                a.push(v);
            }
        }
        let text = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()
            .map_err(socket)?;
        x.status = Some(status.as_u16());
        x.status_text = status.canonical_reason().unwrap_or_default().to_string();
        x.response_headers = out_headers
            .iter()
            .map(|(k, v)| format!("{k}: {}", v[0].as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("\n");
        x.response_body = text.clone();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        let answer = json!({
            "Headers": out_headers,
            "ResponseBody": body,
            "StatusCode": status.as_u16(),
            "StatusText": x.status_text,
        });
        if status.is_success() {
            Ok(answer)
        } else {
            Err(TaskFailure::new(
                format!("States.Http.StatusCode.{}", status.as_u16()),
                answer.to_string(),
            ))
        }
    }
}

fn socket(e: ureq::Error) -> TaskFailure {
    TaskFailure::new("States.Http.Socket", format!("The HTTP call failed: {e}"))
}
