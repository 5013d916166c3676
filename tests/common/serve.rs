//! A `sfn serve` process for a test, and a client that speaks to it as an SDK does.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Child;

/// A `sfn serve` the test started, on a free port; stopped when dropped.
pub struct Server {
    /// The server process.
    pub child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
}

impl Server {
    /// Starts `sfn serve --port 0` with `args`, and reads the port it says it listens on.
    pub fn start(args: &[&str]) -> Server {
        Self::start_with_env(args, &[])
    }

    /// The same with environment variables set, as Step Functions Local is configured.
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = super::cli_command(&[&["serve", "--port", "0"], args].concat())
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("sfn serve starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        lines.read_line(&mut line).expect("a line on stderr");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        // Keep reading what it says, so it never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        Server { child, port }
    }

    /// Sends raw bytes; the status and the body of the answer.
    pub fn raw(&self, request: &[u8]) -> (u16, Vec<(String, String)>, Value) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.write_all(request).unwrap();
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).unwrap();
        let text = String::from_utf8_lossy(&answer);
        let (head, body) = text.split_once("\r\n\r\n").expect("a whole answer");
        let mut head = head.lines();
        let status = head
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = head
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect();
        let body = serde_json::from_str(body).unwrap_or(Value::Null);
        (status, headers, body)
    }

    /// Calls operation `op` as an SDK does.
    pub fn call(&self, op: &str, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let (status, headers, answer) = self.raw(request(op, body.as_bytes()).as_slice());
        let header = |k: &str| headers.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone());
        assert!(header("x-amzn-requestid").is_some(), "{op}: no request id");
        assert_eq!(
            header("content-type").as_deref(),
            Some("application/x-amz-json-1.0")
        );
        (status, answer)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A POST of `body` to operation `op`, as an SDK sends it, on a connection it closes.
pub fn request(op: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSStepFunctions.{op}\r\n\
         Content-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

impl Server {
    /// The endpoint URL clients are pointed at.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}
