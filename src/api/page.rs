//! Pagination: `maxResults` (1–1000, default 100) and an opaque `nextToken`.

use super::error::ApiError;

const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: i64 = 1000;

/// One page of `items` and the token of the next, if any.
pub fn page<T>(
    items: Vec<T>,
    max_results: Option<i64>,
    next_token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let size = match max_results {
        None | Some(0) => DEFAULT_PAGE,
        Some(n) if (1..=MAX_PAGE).contains(&n) => n as usize,
        Some(n) => {
            return Err(ApiError::ValidationException(format!(
                "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
            )))
        }
    };
    let start = match next_token {
        None => 0,
        Some(t) => decode(t)
            .filter(|s| *s <= items.len())
            .ok_or_else(|| ApiError::InvalidToken(format!("Invalid Token: '{t}'")))?,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| encode(end));
    Ok((
        items.into_iter().skip(start).take(end - start).collect(),
        next,
    ))
}

fn encode(offset: usize) -> String {
    format!("sfn-page-{offset:x}")
}

fn decode(t: &str) -> Option<usize> {
    usize::from_str_radix(t.strip_prefix("sfn-page-")?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_through_everything() {
        let items: Vec<u32> = (0..250).collect();
        let (p1, t1) = page(items.clone(), Some(100), None).unwrap();
        assert_eq!(p1.len(), 100);
        let (p2, t2) = page(items.clone(), Some(100), t1.as_deref()).unwrap();
        assert_eq!(p2[0], 100);
        let (p3, t3) = page(items.clone(), Some(100), t2.as_deref()).unwrap();
        assert_eq!(p3.len(), 50);
        assert!(t3.is_none());
    }

    #[test]
    fn bad_tokens_and_sizes() {
        assert_eq!(
            page(vec![1], None, Some("nope")).unwrap_err().name(),
            "InvalidToken"
        );
        assert_eq!(
            page(vec![1], Some(1001), None).unwrap_err().name(),
            "ValidationException"
        );
        assert_eq!(
            page(vec![1], Some(-1), None).unwrap_err().name(),
            "ValidationException"
        );
    }
}
