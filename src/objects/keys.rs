//! Bucket names and keys, checked before they touch the file system.

use super::object::ObjectError;

/// Checks an S3 bucket name (3–63 of `a-z 0-9 . -`, starting and ending with a letter or
/// digit, no `..`).
pub fn check_bucket(bucket: &str) -> Result<(), ObjectError> {
    let ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket.as_bytes()[0].is_ascii_alphanumeric()
        && bucket.as_bytes()[bucket.len() - 1].is_ascii_alphanumeric()
        && !bucket.contains("..");
    if ok {
        Ok(())
    } else {
        Err(ObjectError::Invalid(format!("bucket name '{bucket}'")))
    }
}

/// Decodes `%XX` escapes (keys can arrive URL-encoded), so that an encoded `..` or `/` is
/// judged as what it means.
fn percent_decoded(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The segments of a key, checked: relative, no `.` or `..` segment, no backslash or NUL,
/// also after percent-decoding (repeatedly, so double encoding does not hide them).
pub fn key_segments(key: &str) -> Result<Vec<&str>, ObjectError> {
    let bad = || ObjectError::Invalid(format!("key '{key}'"));
    let mut decoded = key.to_string();
    for _ in 0..3 {
        let next = percent_decoded(&decoded);
        if next == decoded {
            break;
        }
        decoded = next;
    }
    for text in [key, decoded.as_str()] {
        if text.is_empty()
            || text.starts_with('/')
            || text.contains('\\')
            || text.contains('\0')
            || text.split('/').any(|s| s == "." || s == "..")
        {
            return Err(bad());
        }
    }
    let segments: Vec<&str> = key.split('/').collect();
    if segments.iter().any(|s| s.is_empty() && segments.len() > 1) {
        // `a//b` or a trailing `/` names no file here.
        return Err(bad());
    }
    Ok(segments)
}

/// Splits `s3://bucket/key` into its parts.
pub fn parse_s3_uri(uri: &str) -> Option<(&str, &str)> {
    uri.strip_prefix("s3://")?.split_once('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_would_escape_are_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a\\..\\b",
            "%2e%2e/x",
            "a/%2E%2E/%2e%2e/x",
            "%252e%252e/x",
            "%2fetc/passwd",
            "a/./b",
            "a//b",
            "",
            "x\0y",
        ] {
            assert!(
                matches!(key_segments(bad), Err(ObjectError::Invalid(_))),
                "{bad:?}"
            );
        }
        assert_eq!(key_segments("a/b.json").unwrap(), ["a", "b.json"]);
        assert_eq!(key_segments("100%.csv").unwrap(), ["100%.csv"]);
        assert_eq!(key_segments("..a/b..").unwrap(), ["..a", "b.."]);
    }

    #[test]
    fn bucket_names_follow_s3() {
        for ok in ["abc", "my-bucket.1", "a1b"] {
            assert!(check_bucket(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab",
            "..",
            "a..b",
            "-ab",
            "Abc",
            "a/b",
            "a_b",
            &"x".repeat(64),
        ] {
            assert!(check_bucket(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_s3_uri("s3://b/k/x"), Some(("b", "k/x")));
        assert_eq!(parse_s3_uri("http://b/k"), None);
    }
}
