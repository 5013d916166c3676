//! `sfn bench --endpoint URL`: a workload driven over HTTP(S) against any endpoint that
//! speaks Step Functions' AWS JSON 1.0 protocol (`sfn serve`, Step Functions Local,
//! LocalStack, AWS itself: requests are signed with SigV4 when the environment has AWS
//! credentials), so one tool measures them all the same way.
//!
//! Each of `--concurrency` client threads keeps one connection open and runs one execution
//! at a time: an EXPRESS execution by StartSyncExecution, a STANDARD one by StartExecution
//! and then DescribeExecution until it has ended. An execution's latency runs from its
//! start (its place in the schedule, at a fixed rate) to the answer that shows it ended;
//! every HTTP request is timed too. What runs inside the server is not seen from here, so
//! transitions, tasks and Map items are not counted.

use super::report::{self, Counts, PhaseReport, Report};
use super::schedule::Schedule;
use super::sign::Signer;
use super::timeline::Timeline;
use super::{Progress, Settings, Workload};
use crate::metrics::{Kind, Metrics};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Client threads, each with its own connection, at most.
pub const MAX_CONNECTIONS: usize = 1024;

/// The largest answer read: AWS's answers carry at most a 256 KiB payload and its escapes.
const ANSWER_LIMIT: u64 = 4 << 20;

/// The protocol's content type.
const JSON_1_0: &str = "application/x-amz-json-1.0";

/// The `host[:port]` of a URL, as its Host header carries it.
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// The longest wait between two DescribeExecution calls for one STANDARD execution.
const MAX_POLL_WAIT: Duration = Duration::from_millis(50);

/// Runs `workload` against the endpoint at `url` as `settings` say. The state machine is
/// created there for the run and deleted after it.
pub fn run(
    url: &str,
    workload: &Workload,
    settings: &Settings,
    progress: Progress,
) -> Result<Report, String> {
    check(url, workload, settings.concurrency)?;
    let schedule = settings.schedule()?;
    let metrics = Arc::new(Metrics::new());
    // Creating and deleting the state machine are not part of the run's requests.
    let admin = Client::new(url, Arc::new(Metrics::new()));
    // Its own state machine, whatever else the endpoint holds.
    let name = format!(
        "{}-{}",
        workload.machine_name("sfn-bench"),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let created = admin.call(
        "CreateStateMachine",
        &json!({
            "name": name,
            "definition": workload.definition.to_string(),
            "roleArn": settings.role_arn.as_deref().unwrap_or(super::workloads::ROLE),
            "type": workload.machine_type,
        })
        .to_string(),
    )?;
    let arn = created["stateMachineArn"]
        .as_str()
        .ok_or("CreateStateMachine answered without a stateMachineArn")?
        .to_string();
    let phase = drive(url, &arn, workload, settings, schedule, &metrics, &progress);
    // The run's state machine is the run's own: it goes whether the run worked or not.
    let deleted = admin.call(
        "DeleteStateMachine",
        &json!({ "stateMachineArn": arn }).to_string(),
    );
    let phase = phase?;
    deleted?;
    let mut report = Report::new(workload, settings, vec![phase], report::peak_rss_bytes());
    report.endpoint = Some(url.to_string());
    Ok(report)
}

/// Whether `workload` can run against `url` over `connections` connections.
pub fn check(url: &str, workload: &Workload, connections: usize) -> Result<(), String> {
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return Err(format!(
            "--endpoint '{url}': give an http:// or https:// URL"
        ));
    }
    if !workload.objects.is_empty() || workload.redrive {
        return Err(format!(
            "the {} workload needs objects or a redrive that only an embedded run has; over --endpoint run pass-chain or a definition file",
            workload.name
        ));
    }
    if connections == 0 || connections > MAX_CONNECTIONS {
        return Err(format!(
            "with --endpoint, --concurrency is the number of connections: 1 to {MAX_CONNECTIONS}"
        ));
    }
    Ok(())
}

/// What the client threads share.
struct Shared {
    next: AtomicU64,
    ended: AtomicU64,
    failed: AtomicU64,
    stop: AtomicBool,
    error: Mutex<Option<String>>,
}

/// Runs the executions on `settings.concurrency` threads and times the phase.
fn drive(
    url: &str,
    arn: &str,
    workload: &Workload,
    settings: &Settings,
    schedule: Option<Schedule>,
    metrics: &Arc<Metrics>,
    progress: &Progress,
) -> Result<PhaseReport, String> {
    let executions = settings.executions_to_start(workload.default_executions);
    let express = workload.machine_type == "EXPRESS";
    let start_body =
        json!({"stateMachineArn": arn, "input": workload.input.to_string()}).to_string();
    let shared = Shared {
        next: AtomicU64::new(0),
        ended: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        error: Mutex::new(None),
    };
    let started = Instant::now();
    let length = settings.length();
    let timeline = Timeline::new(started, schedule.clone());
    std::thread::scope(|scope| {
        for _ in 0..settings.concurrency {
            let client = Client::new(url, Arc::clone(metrics));
            let (shared, start_body, schedule, timeline) =
                (&shared, &start_body, &schedule, &timeline);
            scope.spawn(move || loop {
                if shared.stop.load(Ordering::Relaxed) {
                    return;
                }
                let i = shared.next.fetch_add(1, Ordering::Relaxed);
                if i >= executions || length.is_some_and(|d| started.elapsed() >= d) {
                    return;
                }
                let intended = match schedule {
                    Some(schedule) => {
                        let Some(at) = Settings::due(started, schedule, length, i) else {
                            return;
                        };
                        std::thread::sleep(at.saturating_duration_since(Instant::now()));
                        at
                    }
                    None => Instant::now(),
                };
                timeline.started();
                let ended = if express {
                    client.run_express(start_body)
                } else {
                    client.run_standard(start_body)
                };
                match ended {
                    Ok(succeeded) => {
                        let took = intended.elapsed();
                        client.metrics.record(Kind::Execution, took);
                        timeline.ended(took, !succeeded);
                        if !succeeded {
                            shared.failed.fetch_add(1, Ordering::Relaxed);
                        }
                        let done = shared.ended.fetch_add(1, Ordering::Relaxed) + 1;
                        progress(done, shared.failed.load(Ordering::Relaxed));
                    }
                    Err(e) => {
                        shared.stop.store(true, Ordering::Relaxed);
                        let mut first = shared.error.lock().unwrap_or_else(|e| e.into_inner());
                        first.get_or_insert(e);
                        return;
                    }
                }
            });
        }
    });
    let wall = started.elapsed();
    if let Some(e) = shared.error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let ended = shared.ended.load(Ordering::Relaxed);
    let counts = Counts::new(ended, ended, shared.failed.load(Ordering::Relaxed));
    Ok(PhaseReport::new("run", wall, counts, metrics).with_timeline(timeline.seconds()))
}

/// One connection to the endpoint, and where its requests' latencies go.
struct Client {
    agent: ureq::Agent,
    url: String,
    metrics: Arc<Metrics>,
    /// Signs each request when the environment has AWS credentials.
    signer: Option<Arc<Signer>>,
}

impl Client {
    fn new(url: &str, metrics: Arc<Metrics>) -> Self {
        let agent = ureq::Agent::config_builder()
            // An error shape is an answer to read, not a transport failure.
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .build()
            .new_agent();
        Client {
            agent,
            url: url.to_string(),
            metrics,
            signer: Signer::from_env(url).map(Arc::new),
        }
    }

    /// Calls operation `op` with the JSON text `body`; its answer, or the error it gave.
    fn call(&self, op: &str, body: &str) -> Result<Value, String> {
        let sent = Instant::now();
        let target = format!("AWSStepFunctions.{op}");
        let mut request = self
            .agent
            .post(&self.url)
            .header("X-Amz-Target", &target)
            .content_type(JSON_1_0);
        if let Some(signer) = &self.signer {
            let host = authority(&self.url);
            let signed = signer.headers(
                &self.url,
                &[
                    ("host", host),
                    ("content-type", JSON_1_0),
                    ("x-amz-target", &target),
                ],
                body,
                std::time::SystemTime::now(),
            )?;
            for (k, v) in signed {
                request = request.header(k, v);
            }
        }
        let mut answer = request
            .send(body)
            .map_err(|e| format!("{op} to {}: {e}", self.url))?;
        let status = answer.status();
        let bytes = answer
            .body_mut()
            .with_config()
            .limit(ANSWER_LIMIT)
            .read_to_vec()
            .map_err(|e| format!("{op}: the answer could not be read: {e}"))?;
        self.metrics.record(Kind::Request, sent.elapsed());
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{op}: HTTP {} with a body that is not JSON ({e})",
                status.as_u16()
            )
        })?;
        if !status.is_success() {
            let kind = v["__type"].as_str().unwrap_or("an unnamed error");
            let kind = kind.rsplit('#').next().unwrap_or(kind);
            let message = v["message"]
                .as_str()
                .or(v["Message"].as_str())
                .unwrap_or("");
            return Err(format!("{op}: HTTP {} {kind}: {message}", status.as_u16()));
        }
        Ok(v)
    }

    /// One EXPRESS execution; whether it succeeded.
    fn run_express(&self, start_body: &str) -> Result<bool, String> {
        let done = self.call("StartSyncExecution", start_body)?;
        Ok(done["status"] == "SUCCEEDED")
    }

    /// One STANDARD execution, watched until it ends; whether it succeeded.
    fn run_standard(&self, start_body: &str) -> Result<bool, String> {
        let started = self.call("StartExecution", start_body)?;
        let arn = started["executionArn"]
            .as_str()
            .ok_or("StartExecution answered without an executionArn")?;
        let describe = json!({ "executionArn": arn }).to_string();
        let mut wait = Duration::from_micros(100);
        loop {
            let d = self.call("DescribeExecution", &describe)?;
            match d["status"].as_str() {
                Some("RUNNING") => {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(MAX_POLL_WAIT);
                }
                Some(status) => return Ok(status == "SUCCEEDED"),
                None => return Err("DescribeExecution answered without a status".into()),
            }
        }
    }
}
