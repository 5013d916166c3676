//! Request and response shapes of the operations, with AWS's field names (camelCase on the
//! wire). Dates serialise as epoch seconds, as the AWS JSON 1.0 protocol sends them.

mod activities;
mod callbacks;
mod executions;
mod map_runs;
mod state_machines;
mod test_state;
mod versions;

pub use activities::*;
pub use callbacks::*;
pub use executions::*;
pub use map_runs::*;
pub use state_machines::*;
pub use test_state::*;
pub use versions::*;

/// Serde helpers for dates as epoch seconds with millisecond fractions.
pub mod epoch {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes a date as epoch seconds, a float with millisecond precision.
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(t.timestamp_millis() as f64 / 1000.0)
    }

    /// Reads a date from epoch seconds, keeping milliseconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let secs = f64::deserialize(d)?;
        DateTime::from_timestamp_millis((secs * 1000.0) as i64)
            .ok_or_else(|| serde::de::Error::custom("date out of range"))
    }

    /// The same for optional dates.
    pub mod opt {
        use super::*;
        use serde::Serialize;

        /// Writes an optional date as epoch seconds, or `null` when there is none.
        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            t.map(|t| t.timestamp_millis() as f64 / 1000.0).serialize(s)
        }

        /// Reads an optional date from epoch seconds; `null` or a date out of range gives `None`.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            let secs = Option::<f64>::deserialize(d)?;
            Ok(secs.and_then(|s| DateTime::from_timestamp_millis((s * 1000.0) as i64)))
        }
    }
}
