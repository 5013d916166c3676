//! An activity worker, as one is written for AWS Step Functions: it long-polls an activity
//! with GetActivityTask through the AWS SDK for Rust, beats once, and answers each task
//! with SendTaskSuccess, or SendTaskFailure when the task asks for it. Pointed at `sfn
//! serve`, it runs unchanged against AWS (drop `--endpoint`, keep your credentials).
//!
//! ```text
//! sfn serve &
//! aws --endpoint-url http://127.0.0.1:8083 stepfunctions create-activity --name shout
//! cargo run --example activity_worker -- \
//!     --endpoint http://127.0.0.1:8083 \
//!     --activity-arn arn:aws:states:us-east-1:123456789012:activity:shout
//! ```
//!
//! A task's input `{"text": "hi"}` is answered `{"text": "HI", "length": 2, "worker": NAME}`;
//! an input with `"reject": true` fails with `Worker.Rejected`. `--tasks N` stops after N
//! tasks (by default it polls until killed).

use aws_sdk_sfn::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sfn::Client;
use clap::Parser;
use serde_json::{json, Value};

#[derive(Parser)]
struct Args {
    /// The Step Functions endpoint (`sfn serve`'s address); AWS's own when absent.
    #[arg(long)]
    endpoint: Option<String>,
    /// The activity to take tasks of.
    #[arg(long)]
    activity_arn: String,
    /// The name recorded in each task's ActivityStarted event.
    #[arg(long, default_value = "example-worker")]
    worker_name: String,
    /// Stop after answering this many tasks.
    #[arg(long)]
    tasks: Option<u64>,
    /// The region of the client.
    #[arg(long, default_value = "us-east-1")]
    region: String,
}

/// What the worker does with one task's input: its answer, or the error and cause it
/// fails the task with.
fn work(input: &Value, worker: &str) -> Result<Value, (String, String)> {
    if input["reject"] == json!(true) {
        return Err((
            "Worker.Rejected".into(),
            "the task asked to be rejected".into(),
        ));
    }
    let text = input["text"].as_str().ok_or_else(|| {
        (
            "Worker.BadInput".to_string(),
            format!("no text in the input {input}"),
        )
    })?;
    Ok(json!({"text": text.to_uppercase(), "length": text.chars().count(), "worker": worker}))
}

fn client(args: &Args) -> Client {
    let mut config = aws_sdk_sfn::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(args.region.clone()));
    if let Some(url) = &args.endpoint {
        // A local endpoint speaks plain HTTP and does not check signatures.
        config = config
            .endpoint_url(url)
            .credentials_provider(Credentials::new("local", "local", None, None, "local"))
            .http_client(aws_smithy_http_client::Builder::new().build_http());
    }
    Client::from_conf(config.build())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let sfn = client(&args);
    let mut answered = 0;
    while args.tasks.is_none_or(|n| answered < n) {
        let task = sfn
            .get_activity_task()
            .activity_arn(&args.activity_arn)
            .worker_name(&args.worker_name)
            .send()
            .await?;
        // No task within the poll (60 seconds on AWS): poll again.
        let Some(token) = task.task_token().filter(|t| !t.is_empty()) else {
            continue;
        };
        let input: Value = serde_json::from_str(task.input().unwrap_or("{}"))?;
        sfn.send_task_heartbeat().task_token(token).send().await?;
        match work(&input, &args.worker_name) {
            Ok(output) => {
                sfn.send_task_success()
                    .task_token(token)
                    .output(output.to_string())
                    .send()
                    .await?;
                println!("answered {input} with {output}");
            }
            Err((error, cause)) => {
                sfn.send_task_failure()
                    .task_token(token)
                    .error(&error)
                    .cause(cause)
                    .send()
                    .await?;
                println!("failed {input} with {error}");
            }
        }
        answered += 1;
    }
    Ok(())
}
