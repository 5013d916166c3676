//! Lambda tasks answered by a Lambda-compatible endpoint (`LAMBDA_ENDPOINT`: SAM local, a
//! Lambda emulator, or a test server) through Lambda's Invoke REST call, as Step Functions
//! Local does: `POST /2015-03-31/functions/{name}/invocations`.
//!
//! Both ways of calling a function are served. A Task whose Resource is the function's ARN
//! sends its effective parameters as the payload and its result is the function's answer.
//! `arn:aws:states:::lambda:invoke` takes `FunctionName`, `Payload` and `Qualifier` from
//! its parameters and its result is the Invoke response (`Payload`, `StatusCode`,
//! `ExecutedVersion`, `SdkHttpMetadata`, `SdkResponseMetadata`). A function error is the
//! task's error, named by the function's `errorType` with its error payload as the cause,
//! as on AWS; a refusal of the Lambda service is `Lambda.<its error type>`.

use super::handlers::{TaskFailure, TaskHandler, TaskRequest, TaskResult};
use crate::data::names;
use futures::future::BoxFuture;
use serde_json::{json, Map, Value};
use std::time::Duration;

/// The resource of Step Functions' optimized Lambda integration.
pub const INVOKE_RESOURCE: &str = "arn:aws:states:::lambda:invoke";

/// The prefix of every Lambda function ARN.
pub const FUNCTION_PREFIX: &str = "arn:aws:lambda:";

/// The error of an invocation that did not reach the endpoint or get its answer back.
const SDK_CLIENT_ERROR: &str = "Lambda.SdkClientException";

/// The largest answer read: Lambda's synchronous payload limit is 6 MB.
const ANSWER_LIMIT: u64 = 8 << 20;

/// Invokes Lambda functions at an endpoint.
#[derive(Clone)]
pub struct LambdaEndpoint {
    base: String,
    agent: ureq::Agent,
}

impl LambdaEndpoint {
    /// Functions invoked at `url` (`http://127.0.0.1:3001`, SAM local's default).
    pub fn new(url: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            // A function error comes with a status to read, not as a transport failure.
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .build()
            .new_agent();
        LambdaEndpoint {
            base: url.trim_end_matches('/').to_string(),
            agent,
        }
    }
}

impl TaskHandler for LambdaEndpoint {
    fn call(&self, request: TaskRequest) -> BoxFuture<'static, TaskResult> {
        let me = self.clone();
        Box::pin(async move {
            // The HTTP call blocks; it runs off the arbiter that runs executions.
            tokio::task::spawn_blocking(move || me.run(&request))
                .await
                .unwrap_or_else(|e| {
                    Err(TaskFailure::new(
                        SDK_CLIENT_ERROR,
                        format!("The Lambda invocation did not finish: {e}"),
                    ))
                })
        })
    }
}

/// What one invocation asks for.
struct Invocation {
    function: String,
    qualifier: Option<String>,
    payload: String,
}

impl LambdaEndpoint {
    fn run(&self, request: &TaskRequest) -> TaskResult {
        if request.resource != INVOKE_RESOURCE && !request.resource.starts_with(FUNCTION_PREFIX) {
            return Err(TaskFailure::new(
                names::RUNTIME,
                format!(
                    "'{}' is not answered by the Lambda endpoint: only a function ARN and {INVOKE_RESOURCE} are",
                    request.resource
                ),
            ));
        }
        let optimized = request.resource == INVOKE_RESOURCE;
        let invocation = if optimized {
            let p = &request.parameters;
            let name = p["FunctionName"].as_str().ok_or_else(|| {
                TaskFailure::new(
                    names::RUNTIME,
                    "The parameters of arn:aws:states:::lambda:invoke need a FunctionName string",
                )
            })?;
            let (function, qualifier) = function_and_qualifier(name);
            Invocation {
                function,
                qualifier: p["Qualifier"].as_str().map(String::from).or(qualifier),
                payload: match p.get("Payload") {
                    None | Some(Value::Null) => "{}".into(),
                    Some(v) => v.to_string(),
                },
            }
        } else {
            let (function, qualifier) = function_and_qualifier(&request.resource);
            Invocation {
                function,
                qualifier,
                payload: request.parameters.to_string(),
            }
        };
        let answer = self.invoke(&invocation)?;
        if let Some(kind) = answer.function_error {
            // AWS names the error by the function's errorType; the cause is its payload.
            let error_type = serde_json::from_str::<Value>(&answer.body)
                .ok()
                .and_then(|v| v["errorType"].as_str().map(String::from))
                .unwrap_or_else(|| "Lambda.Unknown".into());
            let cause = if answer.body.is_empty() {
                format!("The function failed ({kind}) with no payload")
            } else {
                answer.body
            };
            return Err(TaskFailure::new(error_type, cause));
        }
        let payload: Value = if answer.body.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&answer.body).unwrap_or(Value::String(answer.body))
        };
        if !optimized {
            return Ok(payload);
        }
        let headers: Map<String, Value> = answer
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        let all_headers: Map<String, Value> = answer
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), json!([v])))
            .collect();
        Ok(json!({
            "ExecutedVersion": answer.executed_version,
            "Payload": payload,
            "SdkHttpMetadata": {
                "AllHttpHeaders": all_headers,
                "HttpHeaders": headers,
                "HttpStatusCode": answer.status,
            },
            "SdkResponseMetadata": {"RequestId": answer.request_id},
            "StatusCode": answer.status,
        }))
    }

    fn invoke(&self, i: &Invocation) -> Result<Answer, TaskFailure> {
        let mut url = format!(
            "{}/2015-03-31/functions/{}/invocations",
            self.base,
            encode(&i.function)
        );
        if let Some(q) = &i.qualifier {
            url.push_str("?Qualifier=");
            url.push_str(&encode(q));
        }
        let mut response = self
            .agent
            .post(&url)
            .header("X-Amz-Invocation-Type", "RequestResponse")
            .content_type("application/json")
            .send(i.payload.as_str())
            .map_err(|e| {
                TaskFailure::new(
                    SDK_CLIENT_ERROR,
                    format!("Unable to execute HTTP request to {url}: {e}"),
                )
            })?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        let function_error = header("x-amz-function-error");
        let executed_version = header("x-amz-executed-version").unwrap_or_else(|| "$LATEST".into());
        let request_id =
            header("x-amzn-requestid").unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let service_error = header("x-amzn-errortype");
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(ANSWER_LIMIT)
            .read_to_string()
            .map_err(|e| {
                TaskFailure::new(
                    SDK_CLIENT_ERROR,
                    format!("The answer of {url} could not be read: {e}"),
                )
            })?;
        if !(200..300).contains(&status) {
            let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let kind = service_error
                .as_deref()
                .map(|t| t.split(':').next().unwrap_or(t).to_string())
                .or_else(|| {
                    parsed["Type"]
                        .as_str()
                        .filter(|t| *t != "User")
                        .map(String::from)
                })
                .unwrap_or_else(|| {
                    if status >= 500 {
                        "ServiceException".into()
                    } else {
                        "AWSLambdaException".into()
                    }
                });
            let message = parsed["message"]
                .as_str()
                .or(parsed["Message"].as_str())
                .unwrap_or(body.as_str());
            return Err(TaskFailure::new(
                format!("Lambda.{kind}"),
                format!(
                    "{message} (Service: Lambda, Status Code: {status}, Error Code: {kind}, Request ID: {request_id})"
                ),
            ));
        }
        Ok(Answer {
            status,
            function_error,
            executed_version,
            request_id,
            headers,
            body,
        })
    }
}

/// What the endpoint answered.
struct Answer {
    status: u16,
    function_error: Option<String>,
    executed_version: String,
    request_id: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// The function's name and qualifier from a name, a partial ARN (`123456789012:function:f`)
/// or a full ARN (`arn:aws:lambda:us-east-1:123456789012:function:f:live`).
fn function_and_qualifier(name: &str) -> (String, Option<String>) {
    match name.split_once(":function:") {
        Some((_, rest)) => match rest.split_once(':') {
            Some((f, q)) => (f.to_string(), Some(q.to_string())),
            None => (rest.to_string(), None),
        },
        None => match name.split_once(':') {
            // `name:qualifier`, which Lambda accepts too.
            Some((f, q)) => (f.to_string(), Some(q.to_string())),
            None => (name.to_string(), None),
        },
    }
}

/// Percent-encodes all but the characters a URL path segment keeps as they are.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_named_as_lambda_takes_them() {
        assert_eq!(
            function_and_qualifier("arn:aws:lambda:us-east-1:123456789012:function:f:live"),
            ("f".into(), Some("live".into()))
        );
        assert_eq!(
            function_and_qualifier("123456789012:function:f"),
            ("f".into(), None)
        );
        assert_eq!(function_and_qualifier("f"), ("f".into(), None));
        assert_eq!(
            function_and_qualifier("f:$LATEST"),
            ("f".into(), Some("$LATEST".into()))
        );
        assert_eq!(encode("$LATEST"), "%24LATEST");
        assert_eq!(encode("my-fn_1"), "my-fn_1");
    }
}
