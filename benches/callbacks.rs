//! Callback load: N STANDARD executions (default 100,000) each waiting on a task token,
//! then answered by 4 worker threads through SendTaskSuccess. Prints the memory each
//! waiting execution holds, the callbacks answered per second, and the latency of
//! SendTaskSuccess and of a token's answer to its execution's end.
//!
//!   cargo bench --bench callbacks [-- EXECUTIONS]

use crossbeam::channel;
use hdrhistogram::Histogram;
use mimalloc::MiMalloc;
use sfn_runtime::api::types::{CreateStateMachineInput, SendTaskSuccessInput, StartExecutionInput};
use sfn_runtime::api::StepFunctions;
use sfn_runtime::runtime::{ExecutionRecord, TaskRequest};
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts the bytes allocated and not yet freed, to tell what the executions hold from
/// what the allocator keeps around them (RSS). Over mimalloc, as the `sfn` binary runs.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SEND: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
const WORKERS: usize = 4;

fn main() {
    let executions: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let (tx, rx) = channel::unbounded::<String>();
    let sfn = StepFunctions::builder()
        .handler(SEND, move |req: TaskRequest| {
            let _ = tx.send(req.task_token.clone().unwrap_or_default());
            async { Ok(serde_json::json!({"MessageId": "m"})) }
        })
        .build()
        .expect("runtime starts");
    let arn = sfn
        .create_state_machine(CreateStateMachineInput {
            name: "Callbacks".into(),
            definition: serde_json::json!({"StartAt": "Wait", "States": {"Wait": {
                "Type": "Task", "Resource": SEND,
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "End": true}}})
            .to_string(),
            role_arn: "arn:aws:iam::123456789012:role/bench".into(),
            r#type: Some("STANDARD".into()),
            ..Default::default()
        })
        .expect("valid definition")
        .state_machine_arn;

    let before = rss_bytes();
    let live_before = LIVE.load(Ordering::Relaxed);
    let started = Instant::now();
    let records: Vec<Arc<ExecutionRecord>> = (0..executions)
        .map(|i| {
            sfn.start(StartExecutionInput {
                state_machine_arn: arn.clone(),
                name: Some(format!("e{i}")),
                input: Some("{}".into()),
                ..Default::default()
            })
            .expect("starts")
        })
        .collect();
    // Every token sent means every task waits.
    let tokens: Vec<String> = (0..executions)
        .map(|_| rx.recv_timeout(Duration::from_secs(60)).expect("a token"))
        .collect();
    // Each execution lies down once its integration has answered, just after it sent
    // its token.
    let deadline = Instant::now() + Duration::from_secs(10);
    while sfn.sleeping_executions() < executions && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let asleep = sfn.sleeping_executions();
    let waiting_after = started.elapsed();
    let waiting_rss = rss_bytes();
    let live = LIVE.load(Ordering::Relaxed).saturating_sub(live_before) as f64 / executions as f64;

    let answered = Instant::now();
    let chunks: Vec<Vec<String>> = tokens
        .chunks(executions.div_ceil(WORKERS))
        .map(<[String]>::to_vec)
        .collect();
    let histograms: Vec<Histogram<u64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let sfn = &sfn;
                scope.spawn(move || {
                    let mut h = Histogram::<u64>::new(3).expect("histogram");
                    for token in chunk {
                        let t = Instant::now();
                        sfn.send_task_success(SendTaskSuccessInput {
                            task_token: token,
                            output: "{\"ok\":true}".into(),
                        })
                        .expect("the task waits");
                        let _ = h.record(t.elapsed().as_nanos() as u64);
                    }
                    h
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker"))
            .collect()
    });
    let sent = answered.elapsed();
    for r in &records {
        r.wait_blocking();
        assert_eq!(r.status().as_str(), "SUCCEEDED");
    }
    let ended = answered.elapsed();
    let mut calls = Histogram::<u64>::new(3).expect("histogram");
    for h in &histograms {
        calls.add(h).expect("same bounds");
    }
    let per_waiting = (waiting_rss.saturating_sub(before)) as f64 / executions as f64;
    // The workers' copies of the tokens live in this process too; in production they are
    // the workers' memory, not the service's.
    let held = tokens
        .iter()
        .map(|t| t.capacity() + std::mem::size_of::<String>())
        .sum::<usize>() as f64
        / executions as f64;
    println!(
        "{executions} STANDARD executions waiting on task tokens after {:.2} s ({asleep} asleep)",
        waiting_after.as_secs_f64(),
    );
    println!(
        "memory per waiting execution, less the workers' copy of its token ({held:.0} bytes): {:.0} bytes allocated and held, {:.0} bytes of RSS",
        live - held,
        per_waiting - held,
    );
    println!(
        "{WORKERS} workers: SendTaskSuccess {:.0} callbacks/s (all sent in {:.3} s); every execution ended {:.3} s after the first answer ({:.0} executions/s)",
        executions as f64 / sent.as_secs_f64(),
        sent.as_secs_f64(),
        ended.as_secs_f64(),
        executions as f64 / ended.as_secs_f64()
    );
    println!(
        "SendTaskSuccess latency: p50 {:.1} µs, p99 {:.1} µs, p99.9 {:.1} µs, max {:.1} µs",
        calls.value_at_quantile(0.5) as f64 / 1e3,
        calls.value_at_quantile(0.99) as f64 / 1e3,
        calls.value_at_quantile(0.999) as f64 / 1e3,
        calls.max() as f64 / 1e3
    );
}

/// The process's resident set now (Linux; 0 elsewhere).
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
