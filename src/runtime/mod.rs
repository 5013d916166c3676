//! Layer 4, the actors: one `ExecutionActor` type for an execution, a Parallel branch, a
//! Map iteration and a Distributed Map child execution, spread over one arbiter (event loop
//! thread) per core. Its files by concept: the actor and its state loop in `execution/`, the
//! generic fan-out window in `fanout/`, the Distributed Map in `distributed/`, the messages
//! between actors in `messages.rs`; beside them the task-handler registry, mocked
//! responses, the clock, the record the API reads and the `Journal` storage writes through.
//!
//! Imports `types`, `objects`, `asl`, `data` and `interpret`; never `store` or the API
//! above it.

pub mod activities;
pub mod callbacks;
mod child_queue;
pub mod clock;
pub mod config;
pub(crate) mod distributed;
pub(crate) mod execution;
pub(crate) mod fanout;
pub mod handlers;
pub mod history;
pub mod http_task;
pub mod journal;
pub mod lambda;
pub(crate) mod messages;
pub mod mock;
mod observer;
pub mod record;
pub(crate) mod resume;
mod spawner;

pub use crate::data::json_size;
pub use crate::types::MapRunStatus;
pub use crate::types::{ExecutionStatus, StateMachineType};
use actix::prelude::*;
use actix_rt::{Arbiter, System};
pub use clock::{Clock, RealClock, ScaledClock, VirtualClock};
pub use config::Config;
pub use distributed::map_run::{self, MapRunRecord, MapRuns};
pub use execution::{ExecutionActor, ExecutionSpec, SharedEnvironment};
pub use handlers::{HandlerRegistry, TaskFailure, TaskHandler, TaskRequest, TaskResult};
pub use messages::StopExecution;
pub use observer::Observer;
pub use record::{ExecutionRecord, StartedOn};
use spawner::Spawner;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The actor system: arbiters on their own threads, started once and shared.
/// Cheap to clone. The system stops when the last clone is dropped.
#[derive(Clone)]
pub struct Runtime {
    system: Arc<ActorSystem>,
}

/// The actor system and the thread it runs on; stopped and joined when the last
/// `Runtime` goes.
struct ActorSystem {
    system: System,
    spawner: Spawner,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for ActorSystem {
    fn drop(&mut self) {
        self.system.stop();
        if let Some(t) = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = t.join();
        }
    }
}

impl Runtime {
    /// Starts `workers` arbiters (0 = one per available core).
    pub fn new(workers: usize) -> std::io::Result<Runtime> {
        let n = if workers == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            workers
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sfn-system".into())
            .spawn(move || {
                let sys = System::new();
                let arbiters: Vec<Arbiter> = (0..n).map(|_| Arbiter::new()).collect();
                let handles = arbiters.iter().map(Arbiter::handle).collect::<Vec<_>>();
                // The receiver only goes away if `new` itself failed; nothing to do then.
                let _ = tx.send((System::current(), handles));
                let _ = sys.run();
                for a in arbiters {
                    a.stop();
                    let _ = a.join();
                }
            })?;
        let (system, arbiters) = rx
            .recv()
            .map_err(|_| std::io::Error::other("the actor system failed to start"))?;
        let spawner = Spawner::new(arbiters);
        Ok(Runtime {
            system: Arc::new(ActorSystem {
                system,
                spawner,
                thread: Mutex::new(Some(thread)),
            }),
        })
    }

    /// Runs `fut` on one of the arbiters and resolves to its output, so that a caller on any
    /// executor (or none) can await work that needs the runtime's timers. `None` if the
    /// runtime stopped before `fut` ended.
    pub fn run<F>(&self, fut: F) -> impl std::future::Future<Output = Option<F::Output>>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (mut tx, rx) = tokio::sync::oneshot::channel();
        self.system.spawner.next().spawn(async move {
            // A caller that stops waiting stops the work too.
            tokio::select! {
                out = fut => {
                    let _ = tx.send(out);
                }
                () = tx.closed() => {}
            }
        });
        async move { rx.await.ok() }
    }

    /// Runs `fut` on one of the arbiters, detached.
    pub fn spawn_future(&self, fut: impl std::future::Future<Output = ()> + Send + 'static) {
        self.system.spawner.next().spawn(fut);
    }

    /// Number of arbiters executions are spread over.
    pub fn workers(&self) -> usize {
        self.system.spawner.len()
    }

    /// Starts an execution's root actor on the next arbiter, round-robin; its children
    /// spread the same way.
    pub fn spawn(&self, spec: ExecutionSpec) {
        let record = Arc::clone(&spec.record);
        let spawner = self.system.spawner.clone();
        let (tx, rx) = actix::dev::channel::channel(16);
        let addr: Addr<ExecutionActor> = Addr::new(tx);
        // Named before the actor runs: one that reaches a callback task and lies down at
        // once must not have its sleeping route overwritten by this address afterwards
        // (a StopExecution sent there would be lost).
        record.set_stopper(addr.recipient());
        self.system.spawner.next().spawn_fn(move || {
            Context::with_receiver(rx).run(ExecutionActor::new(spec, spawner));
        });
    }
}
