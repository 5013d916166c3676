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
    #[arg(long)]
    pub virtual_time: bool,
    /// The account ARNs are made in.
    #[arg(long, env = "AWS_ACCOUNT_ID")]
    pub account: Option<String>,
    /// The region ARNs are made in.
    #[arg(long, env = "AWS_DEFAULT_REGION")]
    pub region: Option<String>,
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

fn serve(args: ServeArgs) -> Result<(), String> {
    let mut builder = StepFunctions::builder();
    if args.virtual_time {
        builder = builder.virtual_clock();
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
        .block_on(crate::server::serve(sfn, listeners))
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
