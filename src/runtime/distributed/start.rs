//! Starting a Distributed Map state: its settings judged, its items counted (on a thread
//! of their own), and its Map Run started, or continued after a redrive or a restart.

use super::items::feed::{Counted, FedInputs, FeedSpec, ItemFeed};
use super::map_run::{MapRunRecord, MapRunStart};
use super::run::MapRunState;
use crate::asl::model::{ExecutionType, MapState, State, StateKind};
use crate::data::{names, ContextObject, Scope, StatesError};
use crate::interpret::{item_batcher, map};
use crate::runtime::execution::{ExecutionActor, Flow};
use crate::runtime::fanout::Kind;
use crate::types::{ChildResume, HistoryEventType, MapRunConfig, MapRunStatus, StateMachineType};
use actix::prelude::*;
use serde_json::json;
use std::sync::Arc;

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

impl ExecutionActor {
    pub(crate) fn start_distributed(
        &mut self,
        ctx: &mut Context<Self>,
        state: &State,
        m: &MapState,
    ) -> Flow {
        let seed = self.child_seed();
        let pos = self.pos.as_ref().expect("a current state");
        let context = ContextObject::new(&self.exec.info, &state.name, pos.entered_time)
            .with_variables(&self.vars);
        let mut scope = Scope::new(&pos.input, &context, &mut self.rng);
        let planned = map::settings(state, m, &mut scope).and_then(|settings| {
            let source = map::source(state, m, &settings, &mut scope)?;
            let spec = map::part(m, map::Part::ItemBatcher, &settings.effective, &mut scope)?;
            let batcher = match spec {
                None => None,
                Some(spec) => {
                    let mut s = Scope::new(&settings.effective, scope.context, scope.rng);
                    let evaluated = m.jsonata_parts.is_some();
                    Some(
                        item_batcher::batcher(&spec, &mut s, evaluated)
                            .map_err(|e| map::jsonata_error(evaluated, e))?,
                    )
                }
            };
            Ok((settings, source, batcher))
        });
        let (settings, source, batcher) = match planned {
            Ok(planned) => planned,
            Err(e) => {
                // AWS starts the state before it judges the run's settings.
                self.event(HistoryEventType::MapStateStarted, || None);
                return self.fanout_start_failed(ctx, state, HistoryEventType::MapStateFailed, e);
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
            objects: Arc::clone(&self.exec.objects),
            body: Arc::clone(&self.body),
            state: pos.state,
            info: self.exec.info.clone(),
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
        self.exec.record.with_progress(|p| {
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
                let count = run.redrive(self.exec.clock.now());
                run.set_on_update(ctx.address().recipient());
                let arn = run.map_run_arn.to_string();
                self.event(HistoryEventType::MapRunRedriven, || {
                    Some(json!({ "mapRunArn": arn, "redriveCount": count }))
                });
                run
            }
            None => {
                let run = self.new_map_run(state, m, &settings, counted, ctx);
                let arn = run.map_run_arn.to_string();
                self.event(HistoryEventType::MapRunStarted, || {
                    Some(json!({ "mapRunArn": arn }))
                });
                run
            }
        };
        let run = MapRunState::new(run);
        let limit = run.window();
        if let Some(pos) = self.pos.as_mut() {
            pos.map_run = Some(Box::new(run));
        }
        let bodies = vec![Arc::clone(&m.processor)];
        let inputs = Box::new(FedInputs::new(feed, n));
        self.start_fanout(ctx, state, Kind::Distributed, bodies, inputs, limit)
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
            .exec
            .map_runs
            .of_execution(&self.exec.info.id)
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
        let record = &self.exec.record;
        let label = m.label.as_deref().unwrap_or(&state.name);
        let execution_type = match m.execution_type {
            Some(ExecutionType::Express) => StateMachineType::EXPRESS,
            _ => StateMachineType::STANDARD,
        };
        let run = MapRunRecord::new(MapRunStart {
            map_run_arn: record.state_machine_arn.map_run(label, &uuid),
            execution_arn: record.execution_arn.clone(),
            state_machine_arn: record.state_machine_arn.map_children(label),
            start_date: self.exec.clock.now(),
            execution_type,
            state_name: state.name.clone(),
            config: MapRunConfig {
                max_concurrency: u32::try_from(settings.max_concurrency).unwrap_or(u32::MAX),
                tolerated_failure_percentage: settings.tolerated_failure_percentage,
                tolerated_failure_count: settings.tolerated_failure_count,
            },
            writer: settings.writer.clone(),
            total_items: counted.items,
            total_executions: counted.children,
            batch_sizes: counted.batch_sizes,
        });
        let run = Arc::new(run);
        run.set_on_update(ctx.address().recipient());
        self.exec.map_runs.insert(Arc::clone(&run));
        run
    }
}
