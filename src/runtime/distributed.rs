//! Distributed Map: the state starts a Map Run, and every item runs as a child execution
//! of its own (its own ARN, record, and for STANDARD its own history), an actor like any
//! other. The parent's history shows the run, not the iterations: MapStateStarted,
//! MapRunStarted, then MapRunSucceeded or MapRunFailed.
//!
//! AWS: failed (or timed-out) children are tolerated up to ToleratedFailureCount /
//! ToleratedFailurePercentage; past either, the run fails with
//! `States.ExceedToleratedFailureThreshold` and its running children are aborted. A
//! tolerated failure's place in the output holds the child's execution result.

use super::execution::{ExecutionActor, Flow, Role};
use super::fanout::{Inputs, Kind};
use super::item_feed::{Counted, FeedSpec, ItemFeed};
use super::map_run::MapRunRecord;
use super::messages::{ChildFinished, MapRunUpdated};
use super::record::ExecutionRecord;
use super::shared::ExecutionShared;
use crate::asl::model::{ExecutionType, MapState, State, StateKind};
use crate::data::{names, ContextObject, Scope, StatesError};
use crate::interpret::{item_batcher, map};
use crate::types::ChildResult;
use crate::types::ChildResume;
use crate::types::HistoryEventType;
use crate::types::{ChildEnd, MapRunConfig, MapRunStatus};
use crate::types::{ExecutionStatus, StateMachineType};
use actix::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

/// AWS: without MaxConcurrency, a Map Run runs up to 10,000 child executions at once.
pub const DISTRIBUTED_DEFAULT_CONCURRENCY: usize = 10_000;

/// The cause AWS gives when a Map Run fails on its failure threshold.
pub const THRESHOLD_CAUSE: &str = "The specified tolerance threshold was exceeded";

/// What a Distributed Map state planned before its items were counted.
struct Planned {
    settings: map::MapSettings,
    feed: ItemFeed,
    /// The earlier Map Run it continues, and how.
    continued: Option<(Arc<MapRunRecord>, Continue)>,
}

/// How a Distributed Map state continues an earlier Map Run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Continue {
    Redrive,
    Restart,
}

/// A child execution about to run.
pub(crate) struct ChildExecution {
    pub(crate) shared: Arc<ExecutionShared>,
    /// The last event of its history (a redriven child continues it).
    pub(crate) last_event: u64,
    /// A STANDARD child redriven: it continues where it stopped. Otherwise it starts anew.
    pub(crate) redriven: bool,
}

/// How many children may run at once under a Map Run's configuration.
pub fn window(config: &MapRunConfig) -> usize {
    match config.max_concurrency {
        0 => DISTRIBUTED_DEFAULT_CONCURRENCY,
        m => m as usize,
    }
}

impl ExecutionActor {
    pub(crate) fn start_distributed(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        m: &MapState,
    ) -> Flow {
        let seed = self.child_seed();
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.shared.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        let planned = map::settings(state, m, &mut scope).and_then(|settings| {
            let source = map::source(m, &settings, &mut scope)?;
            let batcher = match &m.item_batcher {
                None => None,
                Some(spec) => {
                    let mut s = Scope::new(&settings.effective, scope.context, scope.rng);
                    Some(item_batcher::batcher(spec, &mut s)?)
                }
            };
            Ok((settings, source, batcher))
        });
        let (settings, source, batcher) = match planned {
            Ok(planned) => planned,
            Err(e) => {
                // AWS starts the state before it judges the run's settings.
                self.event(HistoryEventType::MapStateStarted, || None);
                return self.state_error(ctx, state, e, true);
            }
        };
        let continued = self.run_to_continue(&state.name);
        let (known, kept) = match &continued {
            Some((run, how)) => self.known_items(run, *how),
            None => (None, None),
        };
        let spec = FeedSpec {
            known,
            kept,
            source,
            objects: Arc::clone(&self.shared.objects),
            body: Arc::clone(&self.body),
            state: pos.state,
            info: self.shared.info.clone(),
            entered_time: pos.entered_time,
            effective: settings.effective.clone(),
            batcher,
            seed,
            variables: self.vars.clone(),
        };
        let (counted, feed) = ItemFeed::start(spec);
        let counted = async move {
            counted.await.unwrap_or_else(|_| {
                Err(StatesError::new(
                    names::ITEM_READER_FAILED,
                    "the items could not be read",
                ))
            })
        };
        self.suspend(ctx, Box::pin(counted), move |act, ctx, counted| {
            let body = Arc::clone(&act.body);
            let state = body.state(act.pos.as_ref().expect("a Map state").state);
            let StateKind::Map(m) = &state.kind else {
                unreachable!("items are counted for a Map state")
            };
            let planned = Planned {
                settings,
                feed,
                continued,
            };
            act.distributed_counted(ctx, state, m, planned, counted)
        })
    }

    /// A redrive (or a restart) reads the same items again: their count is known, and the
    /// items of the children it keeps need not be made.
    fn known_items(
        &self,
        run: &MapRunRecord,
        how: Continue,
    ) -> (Option<Counted>, Option<Vec<bool>>) {
        let counted = Counted {
            items: run.total_items(),
            children: run.progress().executions.total,
            batch_sizes: run.batch_sizes.clone(),
        };
        // Counts read back from a damaged run file could ask for a table of any size:
        // past what a child index can number, or disagreeing with the batches, the items
        // are counted again.
        let plausible = counted.children <= u64::from(u32::MAX)
            && counted
                .batch_sizes
                .as_ref()
                .is_none_or(|b| b.len() as u64 == counted.children);
        if !plausible {
            return (None, None);
        }
        let pos = self.pos.as_ref();
        let kept: Option<Vec<bool>> = match how {
            Continue::Redrive => pos.and_then(|p| p.fanout_resume.as_ref()).map(|before| {
                before
                    .iter()
                    .map(|c| matches!(c, ChildResume::Succeeded(_)))
                    .collect()
            }),
            Continue::Restart => pos.and_then(|p| p.recovered.as_ref()).map(|r| {
                let mut kept = vec![false; counted.children as usize];
                for &i in r.completed.keys() {
                    if let Some(k) = kept.get_mut(i as usize) {
                        *k = true;
                    }
                }
                kept
            }),
        };
        (Some(counted), kept)
    }

    /// Whether the history has an event of this type since the current state was entered.
    fn recorded_since_entered(&self, event_type: HistoryEventType) -> bool {
        let Some(entered) = self.pos.as_ref().map(|p| p.entered_id) else {
            return false;
        };
        self.shared.record.with(|p| {
            p.history
                .iter()
                .skip(entered as usize)
                .any(|e| e.event_type == event_type)
        })
    }

    /// The items are counted: start the Map Run (or continue an earlier one) and its
    /// children.
    fn distributed_counted(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        m: &MapState,
        planned: Planned,
        counted: Result<Counted, StatesError>,
    ) -> Flow {
        let Planned {
            settings,
            feed,
            continued,
        } = planned;
        let counted = match counted {
            Ok(c) => c,
            Err(e) => {
                self.event(HistoryEventType::MapStateStarted, || None);
                return self.state_error(ctx, state, e, true);
            }
        };
        let n = counted.children as usize;
        // Continued after a restart, the state may have recorded its start already.
        let restarted = matches!(continued, Some((_, Continue::Restart)));
        if !(restarted && self.recorded_since_entered(HistoryEventType::MapStateStarted)) {
            self.event(HistoryEventType::MapStateStarted, || {
                Some(json!({ "length": n }))
            });
        }
        let run = match continued {
            Some((run, Continue::Restart)) => {
                // The process stopped while the run ran: it goes on, same ARN.
                run.continue_after_restart();
                run.set_on_update(ctx.address().recipient());
                run
            }
            Some((run, Continue::Redrive)) => {
                // AWS: redriving the parent redrives its failed Map Run, same ARN.
                let count = run.redrive(self.shared.clock.now());
                run.set_on_update(ctx.address().recipient());
                let arn = run.map_run_arn.clone();
                self.event(HistoryEventType::MapRunRedriven, || {
                    Some(json!({ "mapRunArn": arn, "redriveCount": count }))
                });
                run
            }
            None => {
                let run = self.new_map_run(state, m, &settings, counted, ctx);
                let arn = run.map_run_arn.clone();
                self.event(HistoryEventType::MapRunStarted, || {
                    Some(json!({ "mapRunArn": arn }))
                });
                run
            }
        };
        let limit = window(&run.config());
        self.start_fanout(
            ctx,
            state,
            Kind::Distributed,
            vec![Arc::clone(&m.processor)],
            Inputs::Fed { feed, len: n },
            limit,
            Some(run),
        )
    }

    /// The Map Run this state continues: on a redrive, the run it started before if that
    /// run ended unsuccessfully (a run that never started is started anew); after a
    /// restart of the process inside the state, the run it was running.
    fn run_to_continue(&self, state_name: &str) -> Option<(Arc<MapRunRecord>, Continue)> {
        let pos = self.pos.as_ref()?;
        let how = if pos.fanout_resume.is_some() {
            Continue::Redrive
        } else if self.recovering && pos.recovered.is_some() {
            Continue::Restart
        } else {
            return None;
        };
        let run = self
            .shared
            .map_runs
            .of_execution(&self.shared.info.id)
            .into_iter()
            .rev()
            .find(|r| r.state_name == state_name)?;
        let ok = match how {
            Continue::Redrive => {
                matches!(run.status(), MapRunStatus::FAILED | MapRunStatus::ABORTED)
            }
            Continue::Restart => run.status() == MapRunStatus::RUNNING,
        };
        ok.then_some((run, how))
    }

    fn new_map_run(
        &mut self,
        state: &State,
        m: &MapState,
        settings: &map::MapSettings,
        counted: Counted,
        ctx: &mut Context<Self>,
    ) -> Arc<MapRunRecord> {
        let uuid = self.uuid();
        let info = &self.shared.info;
        let label = m.label.as_deref().unwrap_or(&state.name);
        // `arn:aws:states:{region}:{account}:stateMachine:{name}` → the run's names.
        let machine_arn = &info.state_machine_id;
        let prefix = machine_arn
            .rsplit_once(":stateMachine:")
            .map_or(machine_arn.as_str(), |(p, _)| p);
        let sm = &info.state_machine_name;
        let execution_type = match m.execution_type {
            Some(ExecutionType::Express) => StateMachineType::EXPRESS,
            _ => StateMachineType::STANDARD,
        };
        let mut run = MapRunRecord::new(
            format!("{prefix}:mapRun:{sm}/{label}:{uuid}"),
            info.id.clone(),
            format!("{prefix}:stateMachine:{sm}/{label}"),
            self.shared.clock.now(),
            execution_type,
            MapRunConfig {
                max_concurrency: u32::try_from(settings.max_concurrency).unwrap_or(u32::MAX),
                tolerated_failure_percentage: settings.tolerated_failure_percentage,
                tolerated_failure_count: settings.tolerated_failure_count,
            },
            counted.items,
            counted.children,
        );
        run.writer = settings.writer.clone();
        run.state_name = state.name.clone();
        run.batch_sizes = counted.batch_sizes;
        let run = Arc::new(run);
        run.set_on_update(ctx.address().recipient());
        self.shared.map_runs.insert(Arc::clone(&run));
        run
    }

    /// A child execution starting: its own record and shared state in place of the
    /// parent's it was made with. A child that is not a redriven STANDARD one starts anew.
    pub(crate) fn become_child_execution(&mut self, run: &MapRunRecord, input: &Value) {
        let Role::Child { index, .. } = self.role else {
            return;
        };
        let child = self.child_execution(run, index, input);
        if !child.redriven {
            self.resume = None;
        }
        self.shared = child.shared;
        self.last_event = child.last_event;
    }

    /// The shared state of a new child execution of `run`, for the item `input`, made from
    /// the parent's (`self.shared`, until the child replaces it).
    fn child_execution(&mut self, run: &MapRunRecord, index: u32, input: &Value) -> ChildExecution {
        let now = self.shared.clock.now();
        let standard = run.execution_type == StateMachineType::STANDARD;
        // AWS: a redrive redrives an unsuccessful STANDARD child (same ARN, its history
        // continues); EXPRESS children start anew.
        let before = standard.then(|| run.child_at(index)).flatten().filter(|r| {
            matches!(
                r.status(),
                ExecutionStatus::FAILED | ExecutionStatus::ABORTED
            )
        });
        let (record, redrive_count) = match before {
            Some(record) => {
                let count = record.with(|p| {
                    p.status = ExecutionStatus::RUNNING;
                    p.begin_redrive(now)
                });
                record.mark_running();
                (record, count)
            }
            None => {
                let name = self.uuid();
                let arn = format!("{}{name}", run.child_arn_prefix);
                let record = Arc::new(ExecutionRecord::new(
                    arn,
                    run.state_machine_arn.clone(),
                    name,
                    input.clone(),
                    now,
                    run.execution_type,
                ));
                if standard {
                    self.shared
                        .map_runs
                        .add_child(run, index, Arc::clone(&record));
                }
                (record, 0)
            }
        };
        let parent = &self.shared;
        let info = record.info(&parent.role_arn, redrive_count, &run.child_machine_name);
        let last_event = record.with(|p| p.history.len() as u64);
        let shared = parent.child(record, info, standard, run.needs_whole_results());
        ChildExecution {
            shared: Arc::new(shared),
            last_event,
            redriven: redrive_count > 0,
        }
    }

    /// A child execution of the Distributed Map ended (the caller checked it is current).
    pub(crate) fn distributed_child_finished(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        msg: ChildFinished,
    ) {
        let store = Arc::clone(&self.shared.objects);
        let limit = self.shared.map_runs.result_file_limit;
        let f = self
            .pos
            .as_mut()
            .and_then(|p| p.fanout.as_mut())
            .expect("the fan-out in progress");
        let Some(run) = f.map_run.clone() else { return };
        f.remaining -= 1;
        let (exceeded, kept) = match msg.outcome {
            Ok(output) => {
                run.child_ended(run.items_of(msg.index), ChildEnd::Succeeded);
                // A ResultWriter writes the whole execution result, not the output.
                let entry = match msg.result.filter(|_| run.needs_whole_results()) {
                    Some(text) => ChildResult::Whole(text),
                    None => ChildResult::Output(output),
                };
                let kept = f.keep_result(msg.index, entry, None, &store, limit);
                (false, kept)
            }
            Err(error) => {
                // AWS counts failed items (a failed batch fails all of its items).
                let items = run.items_of(msg.index);
                run.child_ended(items, ChildEnd::Failed);
                f.failures += items;
                if let Some(rp) = msg.resume {
                    // Where a redrive continues this child.
                    f.child_resume.insert(msg.index, rp);
                }
                let entry = ChildResult::Whole(msg.result.unwrap_or_default());
                let kept = f.keep_result(msg.index, entry, Some(error), &store, limit);
                (run.config().exceeded(f.failures, run.total_items()), kept)
            }
        };
        if let Err(e) = kept {
            self.map_run_failed(ctx, state, e);
            return;
        }
        if exceeded {
            let error =
                StatesError::new(names::EXCEED_TOLERATED_FAILURE_THRESHOLD, THRESHOLD_CAUSE);
            self.map_run_failed(ctx, state, error);
            return;
        }
        let f = self
            .pos
            .as_mut()
            .and_then(|p| p.fanout.as_mut())
            .expect("the fan-out in progress");
        if f.remaining == 0 {
            if let Flow::Continue = self.fanout_succeeded(ctx, state) {
                self.drive(ctx);
            }
        } else {
            self.schedule_refill(ctx);
        }
    }

    /// The run failed (its failures passed the threshold, or its items could not be read):
    /// abort the rest, fail the run and the state.
    pub(crate) fn map_run_failed(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        error: StatesError,
    ) {
        let run = self
            .pos
            .as_ref()
            .and_then(|p| p.fanout.as_ref())
            .and_then(|f| f.map_run.clone());
        let Some(run) = run else {
            let children = self.abort_children();
            return self.fanout_failed(ctx, state, Kind::Distributed, error, children);
        };
        run.end(MapRunStatus::FAILED, self.shared.clock.now());
        if let Some(mut f) = self.pos.as_mut().and_then(|p| p.fanout.take()) {
            // AWS writes the results of a failed run too; the run's error is what counts.
            let _ = self.write_results(&mut f, false);
            if let Some(p) = self.pos.as_mut() {
                p.fanout = Some(f);
            }
        }
        let children = self.abort_children();
        self.event(HistoryEventType::MapRunFailed, || {
            Some(json!({"error": error.error, "cause": error.cause}))
        });
        self.fanout_failed(ctx, state, Kind::Distributed, error, children);
    }

    /// A child execution's body ended: its own final event and record. Returns its
    /// execution result as JSON text when the parent needs it (a failure, or a ResultWriter
    /// that writes whole results).
    pub(crate) fn child_execution_ended(
        &mut self,
        result: &Result<Value, StatesError>,
    ) -> Option<String> {
        // A body that fails, timeouts of its states included, fails the execution.
        let (status, error) = match result {
            Ok(_) => (ExecutionStatus::SUCCEEDED, None),
            Err(e) => (ExecutionStatus::FAILED, Some(e)),
        };
        // Only a STANDARD child can be described later: an EXPRESS child's output goes
        // straight into its result.
        let output = result.as_ref().ok();
        let kept = output.filter(|_| self.shared.keep_history);
        self.record_end(status, kept.cloned(), error.cloned(), None);
        let given = output.filter(|_| !self.shared.keep_history);
        (error.is_some() || self.shared.detailed_result)
            .then(|| super::child_result::execution_result(&self.shared.record, given))
    }

    /// The parent aborted this child execution.
    pub(crate) fn child_execution_aborted(&mut self) {
        self.record_end(ExecutionStatus::ABORTED, None, None, None);
    }

    /// Whether this actor is a child execution of a Distributed Map.
    pub(crate) fn is_child_execution(&self) -> bool {
        matches!(
            self.role,
            Role::Child {
                execution: true,
                ..
            }
        )
    }
}

impl Handler<MapRunUpdated> for ExecutionActor {
    type Result = ();

    /// UpdateMapRun: a raised concurrency starts more children now; a raised tolerance
    /// is read at the next failure.
    fn handle(&mut self, _: MapRunUpdated, ctx: &mut Context<Self>) {
        if self.finished {
            return;
        }
        let has_run = self
            .pos
            .as_ref()
            .and_then(|p| p.fanout.as_ref())
            .is_some_and(|f| f.map_run.is_some());
        if has_run {
            self.schedule_refill(ctx);
        }
    }
}
