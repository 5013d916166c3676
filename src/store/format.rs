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
pub const ALIGN: usize = 16;

fn padded(len: usize) -> usize {
    len.div_ceil(ALIGN) * ALIGN
}

/// An execution's identity and what it was started with.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Meta {
    pub execution_arn: String,
    pub state_machine_arn: String,
    pub state_machine_name: String,
    pub name: String,
    pub role_arn: String,
    /// 0 STANDARD, 1 EXPRESS.
    pub machine_type: u8,
    /// The definition version that ran (a redrive uses it even if the machine changed).
    pub definition: String,
    pub input: String,
    pub start_date_ms: i64,
    /// The mocked responses of its test case, as `{"State": {"0": {...}}}` JSON.
    pub mocks: Option<String>,
}

/// A state machine as created.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MachineMeta {
    pub arn: String,
    pub name: String,
    pub definition: String,
    pub role_arn: String,
    pub machine_type: u8,
    pub creation_date_ms: i64,
}

/// A Map Run, as of its last change of status or configuration (`map-runs/{id}.rkyv`).
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MapRunMeta {
    pub map_run_arn: String,
    pub execution_arn: String,
    pub state_machine_arn: String,
    pub state_name: String,
    /// 0 STANDARD, 1 EXPRESS children.
    pub execution_type: u8,
    pub start_date_ms: i64,
    /// The `MapRunStatus` name.
    pub status: String,
    pub stop_date_ms: Option<i64>,
    pub max_concurrency: u32,
    pub tolerated_failure_percentage: Option<f64>,
    pub tolerated_failure_count: Option<u64>,
    /// Item and child execution counts, in `MapRunCounts` field order.
    pub items: [u64; 10],
    pub executions: [u64; 10],
    pub redrive_count: u32,
    pub redrive_date_ms: Option<i64>,
    pub batch_sizes: Option<Vec<u32>>,
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

/// One appended record of an execution's log.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Entry {
    Event(Event),
    MockCall {
        state: String,
        n: u32,
    },
    /// The top-level body entered a state (restart point).
    RootEntered {
        state: u32,
        entered_event: u64,
    },
    Ended(Ended),
    Redriven {
        count: u32,
        date_ms: i64,
        client_token: Option<String>,
    },
    // New variants go last: the archived discriminants of the others must not move.
    /// A fan-out (by its state's Entered event) started a run.
    FanOutStarted {
        fanout_event: u64,
        run: u64,
    },
    /// A branch or iteration of that run succeeded, with its output as JSON text.
    ChildDone {
        fanout_event: u64,
        run: u64,
        index: u32,
        output: String,
    },
    /// The top-level body's variables after a state assigned some, as a JSON object.
    Variables {
        values: String,
    },
    /// A Distributed Map's child succeeded; its whole execution result, which the run's
    /// ResultWriter writes.
    ChildResult {
        fanout_event: u64,
        run: u64,
        index: u32,
        result: String,
    },
    /// The folder of the object store the execution was started with (ItemReader and
    /// ResultWriter objects), so that a later process continues against the same one.
    Objects {
        root: String,
    },
}

/// A history event.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Event {
    pub id: u64,
    pub previous: u64,
    pub timestamp_ms: i64,
    pub event_type: String,
    /// The event's details as JSON text (the member name is derived from the type).
    pub details: Option<String>,
}

/// How an execution ended, and where a redrive would continue.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Ended {
    /// The `ExecutionStatus` name.
    pub status: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub stop_date_ms: i64,
    pub resume: Option<ResumeTree>,
}

/// A resume point and its nested fan-outs, flattened: node 0 is the execution's, and a
/// child that restarts inside its body points at another node by index. (Flat, so the
/// archive needs no recursive types.)
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ResumeTree {
    pub nodes: Vec<ResumeNode>,
}

#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ResumeNode {
    pub state: u32,
    pub entered_event: u64,
    pub children: Option<Vec<ChildNode>>,
}

/// One branch's or iteration's outcome: the per-child table a redrive reads.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum ChildNode {
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
