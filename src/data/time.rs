//! Timestamps as AWS writes them in histories, results and `$$`.

use chrono::{DateTime, Utc};

/// `secs` seconds after `t`, or the last time there is: seconds come from definitions and
/// inputs (up to `u64::MAX`), and a virtual clock that waited in a loop may be far ahead,
/// where chrono's `+` would panic.
pub fn after(t: DateTime<Utc>, secs: u64) -> DateTime<Utc> {
    chrono::Duration::try_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `d` after `t`, or the last time there is.
pub fn after_std(t: DateTime<Utc>, d: std::time::Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// AWS writes dates with millisecond precision.
pub fn iso(t: DateTime<Utc>) -> String {
    let mut out = Vec::with_capacity(24);
    write_iso(&mut out, t);
    String::from_utf8(out).unwrap_or_default()
}

/// [`iso`], appended to a buffer.
pub fn write_iso(out: &mut Vec<u8>, t: DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if !(0..=9999).contains(&year) {
        out.extend_from_slice(
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                .as_bytes(),
        );
        return;
    }
    // Written digit by digit: every event and every Map Run child result carries dates,
    // and chrono's general formatter costs several times more.
    let mut b = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year as u32);
    put(5, 2, t.month());
    put(8, 2, t.day());
    put(11, 2, t.hour());
    put(14, 2, t.minute());
    // A leap second's nanoseconds run past 1e9; chrono shows it as second 60.
    let nanos = t.nanosecond();
    put(17, 2, t.second() + nanos / 1_000_000_000);
    put(20, 3, (nanos % 1_000_000_000) / 1_000_000);
    out.extend_from_slice(&b);
}
