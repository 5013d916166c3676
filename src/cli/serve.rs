//! `sfn serve`: the service over HTTP (the AWS JSON 1.0 protocol), where the AWS CLI,
//! boto3 and the SDKs reach it with only their endpoint changed. Step Functions Local's
//! environment variables mean the same here.

use crate::api::StepFunctions;
use clap::Args;
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;

/// The arguments of `sfn serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address to listen on (loopback unless said otherwise).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to listen on (Step Functions Local's by default; 0 picks a free one).
    #[arg(long, default_value_t = 8083)]
    pub port: u16,
    /// Keep state machines and executions in this data directory (else in memory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The folder behind `s3://` for ItemReader and ResultWriter.
    #[arg(long)]
    pub objects_dir: Option<PathBuf>,
    /// A mock config file (Step Functions Local's format); test cases are chosen by
    /// `stateMachineArn#TestCase` in StartExecution.
    #[arg(long, env = "SFN_MOCK_CONFIG")]
    pub mock_config: Option<PathBuf>,
    /// Waits and retries take no real time.
    #[arg(long, conflicts_with = "wait_time_scale")]
    pub virtual_time: bool,
    /// Wait states and Retry intervals take this many times as long (0: no time; 0.1: a
    /// tenth); timeouts keep real time.
    #[arg(long, env = "WAIT_TIME_SCALE", value_parser = parse_scale)]
    pub wait_time_scale: Option<f64>,
    /// Lambda tasks without a mocked answer are invoked here through Lambda's Invoke
    /// REST call (SAM local: http://127.0.0.1:3001).
    #[arg(long, env = "LAMBDA_ENDPOINT")]
    pub lambda_endpoint: Option<String>,
    /// The account ARNs are made in.
    #[arg(long, env = "AWS_ACCOUNT_ID")]
    pub account: Option<String>,
    /// The region ARNs are made in.
    #[arg(long, env = "AWS_DEFAULT_REGION")]
    pub region: Option<String>,
    /// Keep at most N ended STANDARD executions in memory, the oldest going first (with
    /// --data-dir, one that went is read back from it when named), so a long load test
    /// holds steady memory. Default: all.
    #[arg(long, value_name = "N")]
    pub retain_executions: Option<usize>,
}

/// Runs `sfn serve` until SIGINT or SIGTERM; returns the exit code.
pub fn command(args: ServeArgs) -> i32 {
    match serve(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("sfn serve: {e}");
            2
        }
    }
}

/// A wait-time scale: a finite number, 0 or more.
fn parse_scale(s: &str) -> Result<f64, String> {
    s.trim()
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x >= 0.0 && *x <= MAX_SCALE)
        .ok_or_else(|| format!("'{s}' is not a scale from 0 to {MAX_SCALE}"))
}

/// Beyond this a Wait of a second outlasts any run anyone waits for.
const MAX_SCALE: f64 = 1_000_000.0;

fn serve(args: ServeArgs) -> Result<(), String> {
    let mut builder = StepFunctions::builder();
    if args.virtual_time {
        builder = builder.virtual_clock();
    }
    if let Some(n) = args.retain_executions {
        builder = builder.retain_executions(n);
    }
    if let Some(scale) = args.wait_time_scale {
        let clock = crate::runtime::ScaledClock::new(scale)
            .ok_or_else(|| format!("--wait-time-scale {scale} is not a scale"))?;
        builder = builder.clock(std::sync::Arc::new(clock));
    }
    if let Some(url) = &args.lambda_endpoint {
        if !url.starts_with("http://") {
            return Err(format!(
                "--lambda-endpoint '{url}': only http:// endpoints are supported"
            ));
        }
        builder = builder.lambda_endpoint(url);
    }
    if let Some(dir) = &args.data_dir {
        builder = builder.data_dir(dir);
    }
    if let Some(dir) = &args.objects_dir {
        builder = builder.objects_dir(dir);
    }
    if let Some(account) = args.account {
        builder = builder.account(account);
    }
    if let Some(region) = args.region {
        builder = builder.region(region);
    }
    if let Some(path) = &args.mock_config {
        builder = builder.mock_config(super::read_mock_config(path)?);
    }
    // Counted for GET /metrics; timing states is left off, as it costs every state.
    let metrics = std::sync::Arc::new(crate::metrics::cloudwatch::ExecutionMetrics::new());
    builder = builder.observer(std::sync::Arc::clone(&metrics) as _);
    let listeners = listen(&args.host, args.port)?;
    let sfn = builder
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    // Said on stderr, whose reader may be gone: a server must not die of that.
    let mut stderr = std::io::stderr();
    for e in sfn.store_errors() {
        let _ = writeln!(stderr, "warning: {e}");
    }
    for l in &listeners {
        if let Ok(addr) = l.local_addr() {
            let _ = writeln!(stderr, "sfn serve: listening on http://{addr}");
        }
    }
    actix_web::rt::System::new()
        .block_on(crate::server::serve_with_metrics(
            sfn,
            listeners,
            Some(std::sync::Arc::new(move || metrics.prometheus())),
        ))
        .map_err(|e| e.to_string())
}

/// The sockets to serve on: `host:port`, and for the IPv4 loopback also the IPv6 one on
/// the same port where the machine has it.
fn listen(host: &str, port: u16) -> Result<Vec<TcpListener>, String> {
    let first = TcpListener::bind((host, port))
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    let mut listeners = vec![first];
    if host == "127.0.0.1" {
        let port = listeners[0].local_addr().map_or(port, |a| a.port());
        if let Ok(v6) = TcpListener::bind(("::1", port)) {
            listeners.push(v6);
        }
    }
    Ok(listeners)
}
