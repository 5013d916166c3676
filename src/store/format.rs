//! The on-disk format: rkyv archives framed with a length and a CRC-32, behind a header
//! that names the format version.
//!
//! - `meta.rkyv`: the execution's identity, input and the definition version that ran;
//!   written once, to a temporary file that is synced and then renamed.
//! - `log.rkyv`: appended [`Entry`] frames (history events, mock calls, ends, redrives).
//!   Recording one finished child appends one frame; nothing is rewritten.
//!
//! JSON values (inputs, outputs, event details) are stored as JSON text inside the archives:
//! they are read in place and parsed only when needed.

use rkyv::{Archive, Deserialize, Serialize};

/// The first 8 bytes of every file of the store.
pub const MAGIC: [u8; 8] = *b"SFNSTORE";
/// Bumped whenever an archived type changes; older versions are refused by name.
pub const FORMAT_VERSION: u32 = 1;
/// MAGIC + version + 4 reserved bytes.
pub const HEADER_LEN: usize = 16;
/// Length + CRC-32 + 8 reserved bytes in front of every frame. Frames are padded to
/// [`ALIGN`] so that, with the file read into an aligned buffer, every archive can be
/// accessed in place.
pub const FRAME_HEADER_LEN: usize = 16;
/// Frames start and end on multiples of this many bytes.
pub const ALIGN: usize = 16;

fn padded(len: usize) -> usize {
    len.div_ceil(ALIGN) * ALIGN
}

/// An execution's identity and what it was started with.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Meta {
    /// The ARN the API knows the execution by.
    pub execution_arn: String,
    /// The ARN of the state machine it is an execution of.
    pub state_machine_arn: String,
    /// That state machine's name, which names the execution's parent folder.
    pub state_machine_name: String,
    /// The execution's own name, kept whole (its folder's name may be shortened).
    pub name: String,
    /// The state machine's role ARN, from which a lost machine file is rebuilt.
    pub role_arn: String,
    /// 0 STANDARD, 1 EXPRESS.
    pub machine_type: u8,
    /// The definition version that ran (a redrive uses it even if the machine changed).
    pub definition: String,
    /// The execution's input, as JSON text.
    pub input: String,
    /// Milliseconds since the Unix epoch when the execution started.
    pub start_date_ms: i64,
    /// The mocked responses of its test case, as `{"State": {"0": {...}}}` JSON.
    pub mocks: Option<String>,
}

/// A state machine as created.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MachineMeta {
    /// The ARN its executions and the API refer to it by.
    pub arn: String,
    /// The name it was created under, which names its file.
    pub name: String,
    /// Its definition, as JSON text.
    pub definition: String,
    /// The IAM role ARN it was created with.
    pub role_arn: String,
    /// 0 STANDARD, 1 EXPRESS.
    pub machine_type: u8,
    /// Milliseconds since the Unix epoch when it was created.
    pub creation_date_ms: i64,
}

/// A record of the control plane besides state machines (an activity, a version, an
/// alias, a resource's tags), `resources/{kind}/{key}.rkyv`. Its fields are JSON text, so
/// that these records can grow without a new format version.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ResourceMeta {
    /// What names the record within its kind, usually an ARN.
    pub key: String,
    /// The record, as JSON text.
    pub json: String,
}

/// A Map Run, as of its last change of status or configuration (`map-runs/{id}.rkyv`).
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MapRunMeta {
    /// The run's ARN, which a redrive or a later process keeps.
    pub map_run_arn: String,
    /// The execution whose Distributed Map state started the run.
    pub execution_arn: String,
    /// What its child executions run: `stateMachine:{name}/{label}`.
    pub state_machine_arn: String,
    /// The Distributed Map state that started it.
    pub state_name: String,
    /// 0 STANDARD, 1 EXPRESS children.
    pub execution_type: u8,
    /// Milliseconds since the Unix epoch when the run started.
    pub start_date_ms: i64,
    /// The `MapRunStatus` name.
    pub status: String,
    /// When it ended, in milliseconds since the Unix epoch; none while it runs.
    pub stop_date_ms: Option<i64>,
    /// Child executions allowed to run at once (0: as many as allowed).
    pub max_concurrency: u32,
    /// The percentage of failed items past which the run fails, when one is set.
    pub tolerated_failure_percentage: Option<f64>,
    /// The number of failed items past which the run fails, when one is set.
    pub tolerated_failure_count: Option<u64>,
    /// Item and child execution counts, in `MapRunCounts` field order.
    pub items: [u64; 10],
    /// The child executions' counts, in the same order.
    pub executions: [u64; 10],
    /// How many times the run was redriven.
    pub redrive_count: u32,
    /// When it was last redriven, in milliseconds since the Unix epoch.
    pub redrive_date_ms: Option<i64>,
    /// With an ItemBatcher: how many items each child execution holds.
    pub batch_sizes: Option<Vec<u32>>,
    /// Where and how its results are written; none without a ResultWriter.
    pub writer: Option<WriterMeta>,
}

/// A Map Run's ResultWriter.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct WriterMeta {
    /// Bucket and prefix; none when it only shapes the output.
    pub destination: Option<(String, String)>,
    /// 0 NONE, 1 COMPACT, 2 FLATTEN.
    pub transformation: u8,
    /// 0 JSON, 1 JSONL.
    pub output_type: u8,
}

/// `Entry` in a module of its own: rkyv's derive also makes a public `EntryResolver` whose
/// variant fields carry no docs, and an allowance can only reach it from around both. Every
/// field of `Entry` itself is documented.
#[allow(missing_docs)]
mod entry {
    use super::*;

    /// One appended record of an execution's log.
    #[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Entry {
        /// A history event (concurrent branches may log theirs slightly out of order).
        Event(Event),
        /// A mocked state's call number `n` was answered, so a restart counts on after it.
        MockCall {
            /// The state's name.
            state: String,
            /// The invocation number the call used, counting from 0.
            n: u32,
        },
        /// The top-level body entered a state (restart point).
        RootEntered {
            /// The state's index in the top-level body.
            state: u32,
            /// The id of its Entered event, whose details hold the state's input.
            entered_event: u64,
        },
        /// The execution ended: how, and where a redrive would continue.
        Ended(Ended),
        /// The execution was redriven: its earlier end no longer stands.
        Redriven {
            /// The execution's redrive count with this redrive (1 for the first).
            count: u32,
            /// Milliseconds since the Unix epoch when it was redriven.
            date_ms: i64,
            /// The request's clientToken, so that a repeat of the request redrives nothing.
            client_token: Option<String>,
        },
        // New variants go last: the archived discriminants of the others must not move.
        /// A fan-out (by its state's Entered event) started a run.
        FanOutStarted {
            /// The id of the fan-out state's Entered event, which names the fan-out.
            fanout_event: u64,
            /// The execution's count of fan-out runs at this start, which tells this run from
            /// an earlier one of the same state (a retry or a loop).
            run: u64,
        },
        /// A branch or iteration of that run succeeded, with its output as JSON text.
        ChildDone {
            /// The id of the fan-out state's Entered event.
            fanout_event: u64,
            /// The run the child belongs to; one of an older run is ignored.
            run: u64,
            /// The branch's or iteration's index in the fan-out.
            index: u32,
            /// Its output, as JSON text.
            output: String,
        },
        /// The top-level body's variables after a state assigned some, as a JSON object.
        Variables {
            /// The variables, as the text of a JSON object.
            values: String,
        },
        /// A Distributed Map's child succeeded; its whole execution result, which the run's
        /// ResultWriter writes.
        ChildResult {
            /// The id of the Distributed Map state's Entered event.
            fanout_event: u64,
            /// The run the child belongs to; one of an older run is ignored.
            run: u64,
            /// The child's index among the run's child executions.
            index: u32,
            /// The child execution's whole result, as the ResultWriter writes it.
            result: String,
        },
        /// The folder of the object store the execution was started with (ItemReader and
        /// ResultWriter objects), so that a later process continues against the same one.
        Objects {
            /// The object store's root folder.
            root: String,
        },
        /// The variables that branches and iterations of the next `Ended` entry's resume
        /// tree had assigned themselves, so that a redrive by a later process gives them
        /// back.
        BranchVariables {
            /// Per node of the resume tree that had any.
            nodes: Vec<NodeVariables>,
        },
    }
}

pub use entry::{ArchivedEntry, Entry};

/// The variables one node of a resume tree had assigned itself.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct NodeVariables {
    /// The node's index in the tree.
    pub node: u32,
    /// The variables, as the text of a JSON object.
    pub values: String,
}

/// A history event.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's id in the execution's history, counting from 1.
    pub id: u64,
    /// The id of the event it follows (0 for none).
    pub previous: u64,
    /// Milliseconds since the Unix epoch when the event happened.
    pub timestamp_ms: i64,
    /// The `HistoryEventType` name; a name this build does not know is left out.
    pub event_type: String,
    /// The event's details as JSON text (the member name is derived from the type).
    pub details: Option<String>,
}

/// How an execution ended, and where a redrive would continue.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Ended {
    /// The `ExecutionStatus` name.
    pub status: String,
    /// The output, as JSON text, when the execution succeeded.
    pub output: Option<String>,
    /// The error name of an unsuccessful end, if any.
    pub error: Option<String>,
    /// The error's cause, if any.
    pub cause: Option<String>,
    /// Milliseconds since the Unix epoch when the execution ended.
    pub stop_date_ms: i64,
    /// Where a redrive continues; none when there is nothing to redrive.
    pub resume: Option<ResumeTree>,
}

/// A resume point and its nested fan-outs, flattened: node 0 is the execution's, and a
/// child that restarts inside its body points at another node by index. (Flat, so the
/// archive needs no recursive types.)
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ResumeTree {
    /// The nodes, each before the nodes of its children; node 0 is the execution's.
    pub nodes: Vec<ResumeNode>,
}

/// One body's resume point: a state and, for a fan-out state, what its children did.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ResumeNode {
    /// The state's index in its body.
    pub state: u32,
    /// The id of the state's Entered event, whose details hold its input.
    pub entered_event: u64,
    /// For a Parallel or Map state: per branch or iteration, in index order.
    pub children: Option<Vec<ChildNode>>,
}

/// One branch's or iteration's outcome: the per-child table a redrive reads.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum ChildNode {
    /// Never started: a redrive runs it from the start of its body.
    NotStarted,
    /// The output, as JSON text.
    Succeeded(String),
    /// Restart where the node says, or from the start.
    Restart(Option<u32>),
}

/// The file header.
pub fn header() -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(&MAGIC);
    h[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    h
}

/// Checks a file header; the error says what is wrong.
pub fn check_header(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < HEADER_LEN || bytes[..8] != MAGIC {
        return Err("not an sfn-runtime store file (bad magic)".into());
    }
    let v = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if v != FORMAT_VERSION {
        return Err(format!(
            "format version {v}, this build reads version {FORMAT_VERSION}"
        ));
    }
    Ok(())
}

/// The 16 bytes in front of a payload: its length and CRC-32, then reserved zeros.
pub fn frame_head(payload: &[u8]) -> [u8; FRAME_HEADER_LEN] {
    let mut head = [0u8; FRAME_HEADER_LEN];
    head[..4].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    head[4..8].copy_from_slice(&crc32fast::hash(payload).to_le_bytes());
    head
}

/// The zeros after a payload of `len` bytes that keep the next frame aligned.
pub fn frame_padding(len: usize) -> &'static [u8] {
    const ZEROS: [u8; ALIGN] = [0; ALIGN];
    &ZEROS[..padded(len) - len]
}

/// Frames an archive: length, CRC-32, reserved, bytes, padding.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(FRAME_HEADER_LEN + padded(payload.len()));
    out.extend_from_slice(&frame_head(payload));
    out.extend_from_slice(payload);
    out.extend_from_slice(frame_padding(payload.len()));
    out
}

/// What reading a frame at some offset found.
#[derive(Debug, PartialEq, Eq)]
pub enum FrameRead<'a> {
    /// A whole frame: its payload, and the offset where the next frame starts.
    Frame(&'a [u8], usize),
    /// Nothing left.
    End,
    /// The bytes stop in the middle of a frame: a write that a crash cut short.
    Torn,
    /// The checksum does not match: the bytes were damaged.
    BadChecksum,
}

/// Reads the frame starting at `at`, returning its payload and the next offset.
pub fn read_frame(bytes: &[u8], at: usize) -> FrameRead<'_> {
    if at == bytes.len() {
        return FrameRead::End;
    }
    if bytes.len() - at < FRAME_HEADER_LEN {
        return FrameRead::Torn;
    }
    let len = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
    let crc = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes"));
    let start = at + FRAME_HEADER_LEN;
    if bytes.len() - start < padded(len) {
        return FrameRead::Torn;
    }
    let payload = &bytes[start..start + len];
    if crc32fast::hash(payload) != crc {
        return FrameRead::BadChecksum;
    }
    FrameRead::Frame(payload, start + padded(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_detect_damage() {
        let mut file = header().to_vec();
        file.extend(frame(b"hello"));
        file.extend(frame(b"world!"));
        check_header(&file).unwrap();
        let FrameRead::Frame(p, next) = read_frame(&file, HEADER_LEN) else {
            panic!()
        };
        assert_eq!(p, b"hello");
        let FrameRead::Frame(p, end) = read_frame(&file, next) else {
            panic!()
        };
        assert_eq!(p, b"world!");
        assert_eq!(read_frame(&file, end), FrameRead::End);
        assert_eq!(next % ALIGN, 0);
        assert_eq!(read_frame(&file[..end - 2], next), FrameRead::Torn);
        let mut damaged = file.clone();
        damaged[next + FRAME_HEADER_LEN] ^= 0xff;
        assert_eq!(read_frame(&damaged, next), FrameRead::BadChecksum);
    }

    #[test]
    fn headers_name_what_is_wrong() {
        assert!(check_header(b"nope").unwrap_err().contains("magic"));
        let mut h = header();
        h[8] = 9;
        assert!(check_header(&h).unwrap_err().contains("version 9"));
    }
}
