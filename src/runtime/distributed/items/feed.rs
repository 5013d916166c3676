//! A Distributed Map's child inputs, made on a thread of their own and handed to the
//! fan-out as it starts children, so that a file of ten million items is never held in
//! memory: read → ItemSelector → ItemBatcher, a few thousand inputs ahead of the window.
//!
//! The thread goes over the items twice. The first pass only counts them (and finds a
//! malformed file before the Map Run starts): a Map Run knows its totals from the start,
//! and ToleratedFailurePercentage is a share of all items. The second pass feeds.

use super::source::read_each;
use crate::asl::model::{Body, StateId, StateKind};
use crate::data::{ContextObject, ExecutionInfo, Scope, StatesError, Variables};
use crate::interpret::item_batcher::{Batcher, Batching};
use crate::interpret::map::{select_item, ItemsSource};
use crate::objects::ObjectStore;
use crate::runtime::fanout::window::ChildInputs;
use chrono::{DateTime, Utc};
use crossbeam::channel::{bounded, Receiver};
use futures::channel::oneshot;
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::Value;
use std::sync::Arc;

/// How many child inputs travel together from the feeding thread.
const CHUNK: usize = 1024;
/// How many chunks the thread may make ahead of the fan-out.
const AHEAD: usize = 8;

/// Everything the feeding thread needs to make the inputs.
pub(crate) struct FeedSpec {
    pub source: ItemsSource,
    pub objects: Arc<dyn ObjectStore>,
    pub body: Arc<Body>,
    pub state: StateId,
    pub info: ExecutionInfo,
    pub entered_time: DateTime<Utc>,
    pub effective: Value,
    pub batcher: Option<Batcher>,
    /// For intrinsics in ItemSelector that draw random values: both passes draw the same.
    pub seed: u64,
    /// On a redrive: the totals the run counted before (no first pass), and which
    /// children it keeps (their items need not be made).
    pub known: Option<Counted>,
    pub kept: Option<Vec<bool>>,
    /// The parent's variables, which ItemSelector may read.
    pub variables: Variables,
}

/// What the first pass found.
#[derive(Debug, Clone)]
pub(crate) struct Counted {
    pub items: u64,
    pub children: u64,
    /// With an ItemBatcher: how many items each batch holds.
    pub batch_sizes: Option<Vec<u32>>,
}

type Chunk = Result<Vec<Value>, StatesError>;

/// The fan-out's end of the feed. Dropping it stops the thread.
pub(crate) struct ItemFeed {
    rx: Receiver<Chunk>,
    chunk: std::vec::IntoIter<Value>,
    /// The index of the input `chunk` yields next.
    next: u32,
}

impl FeedSpec {
    /// Makes the child inputs in order, giving each (with how many items it holds) to
    /// `each` while it says to go on.
    fn run(&self, mut each: impl FnMut(Value, u32) -> bool) -> Result<(), StatesError> {
        let state = self.body.state(self.state);
        let StateKind::Map(m) = &state.kind else {
            return Err(StatesError::runtime(
                "items fed to a state that is not a Map",
            ));
        };
        let context = ContextObject::new(&self.info, &state.name, self.entered_time)
            .with_variables(&self.variables);
        let mut rng = SmallRng::seed_from_u64(self.seed);
        let mut batching = self.batcher.as_ref().map(Batching::new);
        let (mut index, mut error, mut stopped) = (0u64, None, false);
        let mut take = |item: Value| -> bool {
            let mut scope = Scope::new(&self.effective, &context, &mut rng);
            let input = select_item(m, &self.effective, &mut scope, index, item);
            index += 1;
            let go_on = match (input, batching.as_mut()) {
                (Ok(v), None) => each(v, 1),
                (Ok(v), Some(b)) => match b.push(v) {
                    Ok(Some((batch, n))) => each(batch, n),
                    Ok(None) => true,
                    Err(e) => {
                        error = Some(e);
                        return false;
                    }
                },
                (Err(e), _) => {
                    error = Some(e);
                    return false;
                }
            };
            stopped = !go_on;
            go_on
        };
        // Kept children's inputs are not made, where a child is one item as it is.
        let kept = self.kept.as_deref().filter(|_| self.plain());
        let skip = |i: u64| kept.is_some_and(|k| k.get(i as usize).copied().unwrap_or(false));
        match &self.source {
            ItemsSource::Reader(r) => read_each(&*self.objects, r, &skip, &mut take)?,
            ItemsSource::Items(items) => {
                for item in items {
                    if !take(item.clone()) {
                        break;
                    }
                }
            }
        }
        if let Some(e) = error {
            return Err(e);
        }
        if !stopped {
            if let Some((batch, n)) = batching.as_mut().and_then(Batching::finish) {
                each(batch, n);
            }
        }
        Ok(())
    }

    /// Whether each child's input is its item as it is (no ItemSelector, no ItemBatcher).
    fn plain(&self) -> bool {
        self.batcher.is_none()
            && match &self.body.state(self.state).kind {
                StateKind::Map(m) => m.item_selector.is_none(),
                _ => false,
            }
    }

    fn count(&self) -> Result<Counted, StatesError> {
        if let Some(known) = &self.known {
            return Ok(known.clone());
        }
        if let (true, ItemsSource::Reader(r)) = (self.plain(), &self.source) {
            // One child an item, each its item as it is: only the number matters.
            let n = super::source::count(&*self.objects, r)?;
            return Ok(Counted {
                items: n,
                children: n,
                batch_sizes: None,
            });
        }
        let mut sizes = self.batcher.as_ref().map(|_| Vec::new());
        let (mut items, mut children) = (0u64, 0u64);
        self.run(|_, n| {
            items += u64::from(n);
            children += 1;
            if let Some(s) = sizes.as_mut() {
                s.push(n);
            }
            true
        })?;
        Ok(Counted {
            items,
            children,
            batch_sizes: sizes,
        })
    }
}

impl ItemFeed {
    /// Starts the feeding thread; the count arrives on the receiver, the inputs through the
    /// feed.
    pub(crate) fn start(spec: FeedSpec) -> (oneshot::Receiver<Result<Counted, StatesError>>, Self) {
        let (count_tx, count_rx) = oneshot::channel();
        let (tx, rx) = bounded::<Chunk>(AHEAD);
        let feeding = move || {
            let counted = spec.count();
            let ok = counted.is_ok();
            if count_tx.send(counted).is_err() || !ok {
                return;
            }
            let mut chunk = Vec::with_capacity(CHUNK);
            let r = spec.run(|v, _| {
                chunk.push(v);
                if chunk.len() < CHUNK {
                    return true;
                }
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                // The fan-out is gone: stop reading.
                tx.send(Ok(full)).is_ok()
            });
            let _ = match r {
                Ok(()) => tx.send(Ok(chunk)),
                Err(e) => tx.send(Err(e)),
            };
        };
        let feed = ItemFeed {
            rx,
            chunk: Vec::new().into_iter(),
            next: 0,
        };
        // Should the thread not start, its closure is dropped with the count's sender, and
        // the count's receiver reports that.
        let _ = std::thread::Builder::new()
            .name("sfn-items".into())
            .spawn(feeding);
        (count_rx, feed)
    }

    /// The input of child `index`; inputs before it that were not taken are skipped (a
    /// redrive keeps their children's results). Indices must not go back.
    pub(crate) fn take(&mut self, index: u32) -> Result<Value, StatesError> {
        loop {
            if let Some(v) = self.chunk.next() {
                let i = self.next;
                self.next += 1;
                if i == index {
                    return Ok(v);
                }
                continue;
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) => self.chunk = chunk.into_iter(),
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    return Err(StatesError::new(
                        crate::data::names::ITEM_READER_FAILED,
                        "the items ended before the count the reader first found",
                    ))
                }
            }
        }
    }
}

/// The feed as the fan-out's inputs: `len` children, their inputs read as they start.
pub(crate) struct FedInputs {
    feed: ItemFeed,
    len: usize,
}

impl FedInputs {
    pub(crate) fn new(feed: ItemFeed, len: usize) -> Self {
        FedInputs { feed, len }
    }
}

impl ChildInputs for FedInputs {
    fn len(&self) -> usize {
        self.len
    }

    fn take(&mut self, index: u32) -> Result<Value, StatesError> {
        self.feed.take(index)
    }
}
