//! AWS Signature Version 4 for `sfn bench --endpoint`, with the credentials of the usual
//! environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optionally
//! `AWS_SESSION_TOKEN`), so the same run can measure AWS Step Functions itself. The
//! signing is the `aws-sigv4` crate's; this only feeds it the request.

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::time::SystemTime;

/// The service name Step Functions is signed for.
const SERVICE: &str = "states";

/// Signs requests for one region with one set of credentials.
pub struct Signer {
    identity: Identity,
    region: String,
}

impl Signer {
    /// A signer from the environment's credentials, for the region the endpoint names
    /// (`states.REGION.amazonaws.com`) or else `AWS_REGION` / `AWS_DEFAULT_REGION`; `None`
    /// without credentials (a local endpoint needs none).
    pub fn from_env(url: &str) -> Option<Signer> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let key = var("AWS_ACCESS_KEY_ID")?;
        let secret = var("AWS_SECRET_ACCESS_KEY")?;
        let region = region_of(url)
            .or_else(|| var("AWS_REGION"))
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        Some(Signer::new(
            &key,
            &secret,
            var("AWS_SESSION_TOKEN"),
            &region,
        ))
    }

    /// A signer with these credentials for `region`.
    pub fn new(key: &str, secret: &str, token: Option<String>, region: &str) -> Signer {
        let credentials = Credentials::new(key, secret, token, None, "environment");
        Signer {
            identity: credentials.into(),
            region: region.to_string(),
        }
    }

    /// The headers that sign a POST of `body` to `url` with `headers` (which must be
    /// sent as given), at `time`: `authorization`, `x-amz-date` and, with a session token,
    /// `x-amz-security-token`.
    pub fn headers(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &str,
        time: SystemTime,
    ) -> Result<Vec<(String, String)>, String> {
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name(SERVICE)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| format!("cannot sign: {e}"))?
            .into();
        let request = SignableRequest::new(
            "POST",
            url,
            headers.iter().copied(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| format!("cannot sign a request to {url}: {e}"))?;
        let signed = sign(request, &params).map_err(|e| format!("cannot sign: {e}"))?;
        Ok(signed
            .output()
            .headers()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect())
    }
}

/// The region of an AWS endpoint's host (`states.eu-west-1.amazonaws.com`).
fn region_of(url: &str) -> Option<String> {
    let host = url.split("://").nth(1)?.split(['/', ':']).next()?;
    let mut parts = host.split('.');
    (parts.next()? == SERVICE)
        .then(|| parts.next().map(String::from))
        .flatten()
        .filter(|_| host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_signed_for_states_in_the_endpoints_region() {
        assert_eq!(
            region_of("https://states.eu-west-1.amazonaws.com").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(region_of("http://127.0.0.1:8083"), None);
        let s = Signer::new("AKIDEXAMPLE", "secret", Some("tok".into()), "eu-west-1");
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
        let headers = [
            ("host", "states.eu-west-1.amazonaws.com"),
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-target", "AWSStepFunctions.ListStateMachines"),
        ];
        let url = "https://states.eu-west-1.amazonaws.com/";
        let signed = s.headers(url, &headers, "{}", at).unwrap();
        let get = |k: &str| {
            signed
                .iter()
                .find(|(h, _)| h == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("no {k} in {signed:?}"))
        };
        let auth = get("authorization");
        assert!(
            auth.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/states/aws4_request"
            ),
            "{auth}"
        );
        assert!(auth.contains("x-amz-target"), "{auth}");
        assert_eq!(get("x-amz-date"), "20150830T123600Z");
        assert_eq!(get("x-amz-security-token"), "tok");
        // A different body is a different signature.
        let other = s.headers(url, &headers, "{\"maxResults\":1}", at).unwrap();
        assert_ne!(other, signed);
    }
}
