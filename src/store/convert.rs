//! Between the runtime's records and the store's archived entries.

use super::borrowed::{EntryRef, EventRef, Text};
use super::format::{ChildNode, Ended, Entry, NodeVariables, ResumeNode, ResumeTree};
use super::log::{ExecutionLog, Persist};
use crate::asl::model::StateId;
use crate::runtime::journal::Journal;
use crate::types::ChildResult;
use crate::types::{ChildResume, RecoveredFanOut, ResumePoint};
use crate::types::{ExecutionProgress, ExecutionStatus};
use crate::types::{HistoryEvent, HistoryEventType};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn date(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl Journal for ExecutionLog {
    fn failure(&self) -> Option<String> {
        self.failure()
    }

    fn event(
        &self,
        id: u64,
        previous: u64,
        timestamp: DateTime<Utc>,
        event_type: HistoryEventType,
        details: Option<&str>,
    ) {
        self.append_or_report(
            &EntryRef::Event(EventRef {
                id,
                previous,
                timestamp_ms: ms(timestamp),
                event_type: Text(event_type.as_str()),
                details: details.map(Text),
            }),
            Persist::Buffered,
        );
    }

    fn root_entered(&self, state: u32, entered_event: u64) {
        self.append_or_report(
            &Entry::RootEntered {
                state,
                entered_event,
            },
            Persist::Buffered,
        );
    }

    fn fanout_started(&self, fanout_event: u64, run: u64) {
        self.append_or_report(
            &Entry::FanOutStarted { fanout_event, run },
            Persist::Written,
        );
    }

    fn variables(&self, values: &serde_json::Map<String, Value>) {
        let values = serde_json::to_string(values).unwrap_or_default();
        self.append_or_report(&Entry::Variables { values }, Persist::Buffered);
    }

    fn child_done(
        &self,
        fanout_event: u64,
        run: u64,
        index: u32,
        output: &Value,
        whole: Option<&str>,
    ) {
        let entry = match whole {
            Some(result) => Entry::ChildResult {
                fanout_event,
                run,
                index,
                result: result.to_string(),
            },
            None => Entry::ChildDone {
                fanout_event,
                run,
                index,
                output: output.to_string(),
            },
        };
        self.append_or_report(&entry, Persist::Buffered);
    }

    fn mock_call(&self, state: &str, n: u32) {
        self.append_or_report(
            &Entry::MockCall {
                state: state.to_string(),
                n,
            },
            Persist::Buffered,
        );
    }

    fn ended(&self, p: &ExecutionProgress) {
        if let Some(rp) = p.resume.as_deref() {
            let nodes = branch_variables(rp);
            if !nodes.is_empty() {
                self.append_or_report(&Entry::BranchVariables { nodes }, Persist::Buffered);
            }
        }
        self.append_or_report(
            &Entry::Ended(Ended {
                status: p.status.as_str().to_string(),
                output: p.output.as_ref().map(Value::to_string),
                error: p.error.clone(),
                cause: p.cause.clone(),
                stop_date_ms: p.stop_date.map(ms).unwrap_or(0),
                resume: p.resume.as_deref().map(flatten),
            }),
            Persist::Synced,
        );
    }

    fn redriven(&self, count: u32, when: DateTime<Utc>, client_token: Option<&str>) {
        self.append_or_report(
            &Entry::Redriven {
                count,
                date_ms: ms(when),
                client_token: client_token.map(String::from),
            },
            Persist::Synced,
        );
    }
}

/// A resume point as a flat list of nodes (node 0 is the root).
pub fn flatten(rp: &ResumePoint) -> ResumeTree {
    let mut nodes = Vec::new();
    push_node(rp, &mut nodes);
    ResumeTree { nodes }
}

fn push_node(rp: &ResumePoint, nodes: &mut Vec<ResumeNode>) -> u32 {
    let me = nodes.len();
    nodes.push(ResumeNode {
        state: rp.state.0,
        entered_event: rp.entered_event,
        children: None,
    });
    if let Some(children) = &rp.fanout {
        let mut out = Vec::with_capacity(children.len());
        for c in children {
            out.push(match c {
                ChildResume::NotStarted => ChildNode::NotStarted,
                // An empty text (never JSON) stands for a result kept elsewhere.
                ChildResume::Succeeded(v) => {
                    ChildNode::Succeeded(v.as_ref().map(Value::to_string).unwrap_or_default())
                }
                ChildResume::Restart(None) => ChildNode::Restart(None),
                ChildResume::Restart(Some(inner)) => {
                    ChildNode::Restart(Some(push_node(inner, nodes)))
                }
            });
        }
        nodes[me].children = Some(out);
    }
    me as u32
}

/// The variables of the branches and iterations of a resume tree, by the node indexes
/// [`flatten`] gives them (the root's are journaled as they change).
pub fn branch_variables(rp: &ResumePoint) -> Vec<NodeVariables> {
    let mut out = Vec::new();
    let mut next = 0u32;
    walk(rp, &mut next, &mut |i, node| {
        if i > 0 && !node.variables.is_empty() {
            out.push(NodeVariables {
                node: i,
                values: Value::Object(node.variables.clone()).to_string(),
            });
        }
    });
    out
}

/// Gives the nodes of `rp` the variables [`branch_variables`] recorded.
fn restore_branch_variables(rp: &mut ResumePoint, nodes: &[NodeVariables]) {
    let mut next = 0u32;
    walk_mut(rp, &mut next, &mut |i, node| {
        if let Some(n) = nodes.iter().find(|n| n.node == i) {
            node.variables = serde_json::from_str(&n.values).unwrap_or_default();
        }
    });
}

/// Visits the nodes in the order [`flatten`] numbers them: a node, then the nodes of its
/// restarting children in index order.
fn walk(rp: &ResumePoint, next: &mut u32, f: &mut dyn FnMut(u32, &ResumePoint)) {
    f(*next, rp);
    *next += 1;
    for c in rp.fanout.iter().flatten() {
        if let ChildResume::Restart(Some(inner)) = c {
            walk(inner, next, f);
        }
    }
}

fn walk_mut(rp: &mut ResumePoint, next: &mut u32, f: &mut dyn FnMut(u32, &mut ResumePoint)) {
    f(*next, rp);
    *next += 1;
    for c in rp.fanout.iter_mut().flatten() {
        if let ChildResume::Restart(Some(inner)) = c {
            walk_mut(inner, next, f);
        }
    }
}

/// The resume point a flat tree describes.
pub fn unflatten(t: &ResumeTree) -> Option<ResumePoint> {
    let mut used = vec![false; t.nodes.len()];
    node(t, 0, 0, &mut used)
}

/// Node `i` and what hangs from it. [`flatten`] writes a node before its children, so a
/// child's index is always past its parent's and each node has one parent: a damaged tree
/// that points back, or twice at one node (which made a few nodes expand into an
/// exponential number), loses that child's position instead (it restarts from its start).
fn node(t: &ResumeTree, i: u32, depth: usize, used: &mut [bool]) -> Option<ResumePoint> {
    // A real tree is as deep as the definition's nesting of fan-outs.
    if depth > 1000 {
        return None;
    }
    let slot = used.get_mut(i as usize)?;
    if *slot {
        return None;
    }
    *slot = true;
    let n = t.nodes.get(i as usize)?;
    let fanout = n.children.as_ref().map(|cs| {
        cs.iter()
            .map(|c| match c {
                ChildNode::NotStarted => ChildResume::NotStarted,
                ChildNode::Succeeded(s) if s.is_empty() => ChildResume::Succeeded(None),
                ChildNode::Succeeded(s) => {
                    ChildResume::Succeeded(Some(serde_json::from_str(s).unwrap_or(Value::Null)))
                }
                ChildNode::Restart(None) => ChildResume::Restart(None),
                ChildNode::Restart(Some(j)) if *j > i => {
                    ChildResume::Restart(node(t, *j, depth + 1, used).map(Box::new))
                }
                ChildNode::Restart(Some(_)) => ChildResume::Restart(None),
            })
            .collect()
    });
    Some(ResumePoint {
        state: StateId(n.state),
        entered_event: n.entered_event,
        fanout,
        // Set from the log's Variables (the top level) and BranchVariables entries.
        variables: Default::default(),
    })
}

/// An execution's state rebuilt from its log.
#[derive(Debug, Default)]
pub struct ExecutionState {
    /// The history events, sorted by id.
    pub history: Vec<HistoryEvent>,
    /// `None` while no end was recorded (the execution was running).
    pub ended: Option<EndedState>,
    /// How many times the execution was redriven.
    pub redrive_count: u32,
    /// When it was last redriven.
    pub redrive_date: Option<DateTime<Utc>>,
    /// The clientTokens of its redrives, each with when it came, so a repeat is recognised.
    pub redrive_tokens: Vec<(String, DateTime<Utc>)>,
    /// Per mocked state, the number its next call gets (the calls made so far).
    pub mock_calls: HashMap<String, u32>,
    /// The top-level state last entered (where a restart continues a running execution).
    pub root_position: Option<(StateId, u64)>,
    /// Per fan-out (by its state's Entered event): the latest run and its completed
    /// children.
    pub fanouts: HashMap<u64, RecoveredFanOut>,
    /// The top-level body's variables as last recorded.
    pub root_variables: serde_json::Map<String, Value>,
    /// A redrive the log accepted whose state was not entered again before the process
    /// died: it starts over from the end's resume point. The flag says whether its
    /// ExecutionRedriven event was recorded.
    pub redrive_pending: Option<(ResumePoint, bool)>,
}

#[derive(Debug)]
pub struct EndedState {
    pub status: ExecutionStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub stop_date: DateTime<Utc>,
    pub resume: Option<ResumePoint>,
}

/// The event a log record holds; `None` for a type this build does not know (a log
/// written by another version), which is left out of the history rather than shown wrong.
fn event_of(ev: &super::format::Event) -> Option<HistoryEvent> {
    let event_type: HistoryEventType = ev.event_type.parse().ok()?;
    Some(HistoryEvent {
        timestamp: date(ev.timestamp_ms),
        event_type,
        id: crate::types::history::event_id(ev.id),
        previous_event_id: crate::types::history::event_id(ev.previous),
        details: ev
            .details
            .as_deref()
            .filter(|_| event_type.details_key().is_some())
            .map(Into::into),
    })
}

/// Replays the log in order.
pub fn entries_to_state(entries: &[Entry]) -> ExecutionState {
    let mut s = ExecutionState::default();
    let mut branch_nodes: Vec<NodeVariables> = Vec::new();
    for e in entries {
        // BranchVariables belong to the Ended entry written right after them; any that a
        // crash left without one describe no tree.
        if !matches!(e, Entry::BranchVariables { .. } | Entry::Ended(_)) {
            branch_nodes.clear();
        }
        match e {
            Entry::Event(ev) if ev.event_type == HistoryEventType::ExecutionRedriven.as_str() => {
                if let Some((_, announced)) = s.redrive_pending.as_mut() {
                    *announced = true;
                }
                s.history.extend(event_of(ev));
            }
            Entry::Event(ev) => s.history.extend(event_of(ev)),
            Entry::RootEntered {
                state,
                entered_event,
            } => {
                s.root_position = Some((StateId(*state), *entered_event));
                s.redrive_pending = None;
            }
            Entry::FanOutStarted { fanout_event, run } => {
                s.fanouts.insert(
                    *fanout_event,
                    RecoveredFanOut {
                        run: *run,
                        completed: HashMap::new(),
                    },
                );
            }
            Entry::ChildDone {
                fanout_event,
                run,
                index,
                output,
            } => {
                if let Some(f) = s.fanouts.get_mut(fanout_event).filter(|f| f.run == *run) {
                    let output = serde_json::from_str(output).unwrap_or(Value::Null);
                    f.completed.insert(*index, ChildResult::Output(output));
                }
            }
            Entry::ChildResult {
                fanout_event,
                run,
                index,
                result,
            } => {
                if let Some(f) = s.fanouts.get_mut(fanout_event).filter(|f| f.run == *run) {
                    f.completed
                        .insert(*index, ChildResult::Whole(result.clone()));
                }
            }
            Entry::Objects { .. } => {}
            Entry::Variables { values } => {
                s.root_variables = serde_json::from_str(values).unwrap_or_default();
            }
            Entry::BranchVariables { nodes } => branch_nodes = nodes.clone(),
            Entry::MockCall { state, n } => {
                let c = s.mock_calls.entry(state.clone()).or_insert(0);
                *c = (*c).max(n + 1);
            }
            Entry::Ended(end) => {
                s.ended = Some(EndedState {
                    status: ExecutionStatus::parse(&end.status).unwrap_or(ExecutionStatus::FAILED),
                    output: end
                        .output
                        .as_ref()
                        .and_then(|o| serde_json::from_str(o).ok()),
                    error: end.error.clone(),
                    cause: end.cause.clone(),
                    stop_date: date(end.stop_date_ms),
                    resume: end.resume.as_ref().and_then(unflatten).map(|mut rp| {
                        restore_branch_variables(&mut rp, &std::mem::take(&mut branch_nodes));
                        rp.variables = s.root_variables.clone();
                        rp
                    }),
                })
            }
            Entry::Redriven {
                count,
                date_ms,
                client_token,
            } => {
                s.redrive_count = *count;
                s.redrive_date = Some(date(*date_ms));
                if let Some(t) = client_token {
                    s.redrive_tokens.push((t.clone(), date(*date_ms)));
                }
                // A redrive reopens the execution: its previous end no longer stands, and
                // until its state is entered again it restarts from that end.
                s.redrive_pending = s.ended.take().and_then(|e| e.resume).map(|rp| (rp, false));
            }
        }
    }
    // Concurrent branches may have logged their events slightly out of order.
    s.history.sort_by_key(|e| e.id);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resume_trees_round_trip() {
        let rp = ResumePoint {
            state: StateId(3),
            entered_event: 17,
            fanout: Some(vec![
                ChildResume::Succeeded(Some(json!({"a": 1}))),
                ChildResume::Succeeded(None),
                ChildResume::NotStarted,
                ChildResume::Restart(None),
                ChildResume::Restart(Some(Box::new(ResumePoint {
                    state: StateId(1),
                    entered_event: 40,
                    fanout: Some(vec![
                        ChildResume::Succeeded(Some(json!(2))),
                        ChildResume::Restart(None),
                    ]),
                    variables: Default::default(),
                }))),
            ]),
            variables: Default::default(),
        };
        let t = flatten(&rp);
        assert_eq!(t.nodes.len(), 2);
        assert_eq!(unflatten(&t), Some(rp));
    }

    #[test]
    fn branch_variables_come_back_on_the_nodes_they_left() {
        let vars = |v: Value| v.as_object().cloned().unwrap();
        let child = |state: u32, v: Value| {
            ChildResume::Restart(Some(Box::new(ResumePoint {
                state: StateId(state),
                entered_event: 9,
                fanout: None,
                variables: vars(v),
            })))
        };
        let rp = ResumePoint {
            state: StateId(0),
            entered_event: 2,
            fanout: Some(vec![
                child(1, json!({"a": 1})),
                ChildResume::NotStarted,
                child(2, json!({})),
                child(3, json!({"c": [3]})),
            ]),
            variables: vars(json!({"root": true})),
        };
        let nodes = branch_variables(&rp);
        assert_eq!(nodes.iter().map(|n| n.node).collect::<Vec<_>>(), [1, 3]);
        let mut entries = vec![Entry::BranchVariables { nodes }];
        entries.push(Entry::Ended(Ended {
            status: "FAILED".into(),
            output: None,
            error: None,
            cause: None,
            stop_date_ms: 0,
            resume: Some(flatten(&rp)),
        }));
        let back = entries_to_state(&entries).ended.unwrap().resume.unwrap();
        let mut expected = rp;
        expected.variables = Default::default();
        assert_eq!(back, expected);
    }
}
