//! Abuse of `sfn serve`: ten thousand bad requests of every kind (random bytes, truncated
//! JSON, members of the wrong type, unknown targets, oversized and half-sent bodies, wrong
//! content types). Each gets an AWS-shaped error or, for a body that never arrives, a closed
//! connection; the server does not die, does not grow without bound, and answers a good
//! request afterwards.

mod common;

use common::serve::{request, Server};
use common::ROLE;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

const REQUESTS: usize = 10_000;

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// One bad request of kind `k`, and whether an answer must come back.
fn bad_request(k: usize, rng: &mut SmallRng) -> (Vec<u8>, bool) {
    let ops = [
        "DescribeExecution",
        "StartExecution",
        "CreateStateMachine",
        "ListExecutions",
    ];
    let op = ops[rng.gen_range(0..ops.len())];
    match k % 8 {
        0 => {
            let body: Vec<u8> = (0..rng.gen_range(0..512)).map(|_| rng.gen()).collect();
            (request(op, &body), true)
        }
        1 => {
            let whole =
                json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:S",
                "name": "n", "input": "{\"a\": [1, 2, 3]}"})
                .to_string();
            let cut = rng.gen_range(1..whole.len());
            (request(op, &whole.as_bytes()[..cut]), true)
        }
        2 => {
            let wrong = [
                json!(5),
                json!([]),
                json!({"x": null}),
                json!(true),
                json!(1.5),
            ];
            let member = [
                "executionArn",
                "stateMachineArn",
                "name",
                "maxResults",
                "definition",
            ];
            let body = json!({ member[rng.gen_range(0..member.len())]: wrong[rng.gen_range(0..wrong.len())] });
            (request(op, body.to_string().as_bytes()), true)
        }
        3 => {
            let target: String = (0..rng.gen_range(0..40))
                .map(|_| rng.gen_range(b'!'..=b'~') as char)
                .collect();
            let r = format!(
                "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {target}\r\nContent-Length: 2\r\n\
                 Connection: close\r\n\r\n{{}}"
            );
            (r.into_bytes(), true)
        }
        4 => {
            // Past the limit by a little or a lot.
            let extra = rng.gen_range(1..64 << 10);
            let body = vec![b'['; sfn_runtime::server::BODY_LIMIT + extra];
            (request(op, &body), true)
        }
        5 => {
            let r = format!(
                "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSStepFunctions.{op}\r\n\
                 Content-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nnot-js!"
            );
            (r.into_bytes(), true)
        }
        6 => {
            // Promises more than it sends, then stops sending.
            let mut r = format!(
                "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSStepFunctions.{op}\r\n\
                 Content-Length: 1000\r\nConnection: close\r\n\r\n"
            )
            .into_bytes();
            r.extend_from_slice(b"{\"executionArn\": \"arn");
            (r, false)
        }
        _ => {
            let deep = "[".repeat(rng.gen_range(100..5000));
            (request(op, deep.as_bytes()), true)
        }
    }
}

/// Sends `bytes` and reads the answer; `None` if the server closed without one.
fn send(port: u16, bytes: &[u8]) -> Option<(u16, Value)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    // A server that refuses a body early may close before all of it is written.
    let _ = s.write_all(bytes);
    let _ = s.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

#[test]
fn ten_thousand_bad_requests_get_aws_errors_and_the_server_lives() {
    let mut s = Server::start(&["--virtual-time"]);
    let pid = s.child.id();
    let mut rng = SmallRng::seed_from_u64(14);
    let mut rss_after_warmup = 0;
    for i in 0..REQUESTS {
        if i == 500 {
            rss_after_warmup = rss_kib(pid);
        }
        let (bytes, must_answer) = bad_request(i, &mut rng);
        match send(s.port, &bytes) {
            Some((status, answer)) => {
                assert_eq!(status, 400, "request {i} (kind {}): {answer}", i % 8);
                let kind = answer["__type"].as_str().unwrap_or("");
                assert!(
                    kind.contains('#') && answer["message"].is_string(),
                    "request {i} (kind {}): not an AWS error: {answer}",
                    i % 8
                );
            }
            None => assert!(!must_answer, "request {i} (kind {}) got no answer", i % 8),
        }
    }
    let grown = rss_kib(pid).saturating_sub(rss_after_warmup);
    assert!(
        grown < 64 << 10,
        "the server grew by {grown} KiB over the bad requests"
    );
    let (status, created) = s.call(
        "CreateStateMachine",
        &json!({"name": "After", "roleArn": ROLE,
            "definition": r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#}),
    );
    assert_eq!(status, 200, "{created}");
    assert!(s.child.try_wait().is_ok_and(|exit| exit.is_none()));
}
