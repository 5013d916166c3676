//! Entries made of borrowed parts, for the hot path of recording: a history event is
//! archived straight from the runtime's `&str`s into the log's bytes, with no owned
//! [`Entry`] built (and its strings copied) first. Each type here archives to exactly the
//! bytes of its owned twin, which the tests check, so the format does not change.

use super::format::{ArchivedEntry, ArchivedEvent, Event};
use rkyv::rancor::{Fallible, Source};
use rkyv::string::{ArchivedString, StringResolver};
use rkyv::{Archive, Place, Serialize, SerializeUnsized};

/// A `&str` that archives as the `ArchivedString` of a `String`.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a>(pub &'a str);

impl Archive for Text<'_> {
    type Archived = ArchivedString;
    type Resolver = StringResolver;

    fn resolve(&self, resolver: StringResolver, out: Place<ArchivedString>) {
        ArchivedString::resolve_from_str(self.0, resolver, out);
    }
}

impl<S> Serialize<S> for Text<'_>
where
    S: Fallible + ?Sized,
    S::Error: Source,
    str: SerializeUnsized<S>,
{
    fn serialize(&self, serializer: &mut S) -> Result<StringResolver, S::Error> {
        ArchivedString::serialize_from_str(self.0, serializer)
    }
}

/// [`Event`], borrowed.
#[derive(Archive, Serialize)]
#[rkyv(as = ArchivedEvent, serialize_bounds(__S::Error: Source, str: SerializeUnsized<__S>))]
pub struct EventRef<'a> {
    pub id: u64,
    pub previous: u64,
    pub timestamp_ms: i64,
    #[rkyv(omit_bounds)]
    pub event_type: Text<'a>,
    #[rkyv(omit_bounds)]
    pub details: Option<Text<'a>>,
}

/// The variant of [`Entry`] the runtime records most, borrowed. It is the first variant of
/// `Entry`, so the archived tags agree.
#[derive(Archive, Serialize)]
#[rkyv(as = ArchivedEntry)]
pub enum EntryRef<'a> {
    Event(EventRef<'a>),
}

impl<'a> From<&'a Event> for EventRef<'a> {
    fn from(e: &'a Event) -> Self {
        EventRef {
            id: e.id,
            previous: e.previous,
            timestamp_ms: e.timestamp_ms,
            event_type: Text(&e.event_type),
            details: e.details.as_deref().map(Text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::format::Entry;
    use rkyv::rancor;

    fn to_owned_entry(e: &EntryRef<'_>) -> Entry {
        let EntryRef::Event(e) = e;
        Entry::Event(Event {
            id: e.id,
            previous: e.previous,
            timestamp_ms: e.timestamp_ms,
            event_type: e.event_type.0.to_string(),
            details: e.details.map(|d| d.0.to_string()),
        })
    }

    fn bytes_of_owned(e: &Entry) -> Vec<u8> {
        rkyv::to_bytes::<rancor::Error>(e).unwrap().to_vec()
    }

    fn bytes_of_borrowed(e: &EntryRef<'_>) -> Vec<u8> {
        rkyv::to_bytes::<rancor::Error>(e).unwrap().to_vec()
    }

    #[test]
    fn borrowed_events_archive_to_the_bytes_of_owned_ones() {
        let long = "x".repeat(300);
        for (event_type, details) in [
            ("TaskStateEntered", Some("{\"name\":\"T\"}")),
            ("PassStateExited", None),
            ("ok", Some("")),
            ("MapIterationSucceeded", Some(long.as_str())),
        ] {
            let borrowed = EntryRef::Event(EventRef {
                id: 7,
                previous: 6,
                timestamp_ms: 1_700_000_000_123,
                event_type: Text(event_type),
                details: details.map(Text),
            });
            let owned = to_owned_entry(&borrowed);
            assert_eq!(bytes_of_borrowed(&borrowed), bytes_of_owned(&owned));
            let bytes = rkyv::to_bytes::<rancor::Error>(&borrowed).unwrap();
            let back = rkyv::from_bytes::<Entry, rancor::Error>(&bytes).unwrap();
            assert_eq!(back, owned);
            if let Entry::Event(e) = &owned {
                assert_eq!(
                    bytes_of_borrowed(&EntryRef::Event(e.into())),
                    bytes_of_owned(&owned)
                );
            }
        }
    }
}
