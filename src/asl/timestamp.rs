//! The timestamp syntax ASL accepts: ISO-8601 extended offset date-time (RFC 3339 with an
//! upper-case `T` and an offset), e.g. `2016-03-14T01:59:00Z` or `...00.123456789+02:00`.

use chrono::{DateTime, FixedOffset};

/// Parses an ASL timestamp; `None` when AWS would reject it.
pub fn parse(s: &str) -> Option<DateTime<FixedOffset>> {
    // chrono also accepts a space or a lower-case `t` between date and time; AWS does not.
    if s.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    DateTime::parse_from_rfc3339(s).ok()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_iso_offsets_and_fractions() {
        assert!(parse("2016-03-14T01:59:00Z").is_some());
        assert!(parse("2016-03-14T01:59:00.123456789Z").is_some());
        assert!(parse("2016-03-14T01:59:00+02:00").is_some());
    }

    #[test]
    fn rejects_what_aws_rejects() {
        for bad in [
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "2016-13-05T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-12-05t21:29:29Z",
            "",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
