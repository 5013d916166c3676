//! The parser against the paths AWS accepts and refuses.

use super::*;

fn segs(p: &str) -> Vec<Segment> {
    Path::parse(p).unwrap().segments
}

#[test]
fn roots() {
    assert_eq!(Path::parse("$").unwrap().root, Root::Input);
    assert_eq!(Path::parse("$$").unwrap().root, Root::Context);
    assert!(Path::parse("$").unwrap().is_root());
    assert!(Path::parse("a.b").is_err());
    assert!(Path::parse("").is_err());
}

#[test]
fn variables() {
    let p = Path::parse("$order.items[0]").unwrap();
    assert_eq!(p.root, Root::Variable);
    assert_eq!(p.variable(), Some("order"));
    assert_eq!(
        p.segments,
        vec![
            Segment::Child("order".into()),
            Segment::Child("items".into()),
            Segment::Index(0)
        ]
    );
    assert_eq!(p.normalized_prefix(2), "$order['items']");
    let bare = Path::parse("$_x1").unwrap();
    assert_eq!(bare.variable(), Some("_x1"));
    assert!(!bare.is_root());
    assert_eq!(Path::parse("$.a").unwrap().variable(), None);
    assert_eq!(Path::parse("$[0]").unwrap().root, Root::Input);
    assert!(Path::parse("$1x").is_err());
}

#[test]
fn children_and_indexes() {
    assert_eq!(
        segs("$.a['b c'][2][-1]"),
        vec![
            Segment::Child("a".into()),
            Segment::Child("b c".into()),
            Segment::Index(2),
            Segment::Index(-1)
        ]
    );
    assert_eq!(segs("$.my-key"), vec![Segment::Child("my-key".into())]);
    assert!(Path::parse("$.a.b[0]").unwrap().is_reference());
    assert!(!Path::parse("$.a[*]").unwrap().is_reference());
}

#[test]
fn wildcards_slices_unions_descent() {
    assert_eq!(
        segs("$.a[*].b"),
        vec![
            Segment::Child("a".into()),
            Segment::Wildcard,
            Segment::Child("b".into())
        ]
    );
    assert_eq!(segs("$[1:3]"), vec![Segment::Slice(Some(1), Some(3), None)]);
    assert_eq!(segs("$[::2]"), vec![Segment::Slice(None, None, Some(2))]);
    assert_eq!(
        segs("$['a','b']"),
        vec![Segment::Union(vec![
            Segment::Child("a".into()),
            Segment::Child("b".into())
        ])]
    );
    assert_eq!(
        segs("$..id"),
        vec![Segment::Descend(Box::new(Segment::Child("id".into())))]
    );
    assert!(Path::parse("$[1:2:0]").is_err());
}

#[test]
fn filters() {
    let s = segs("$.items[?(@.price < 10 && @.tag == 'x')]");
    match &s[1] {
        Segment::Filter(Filter::And(terms)) => {
            assert!(matches!(terms[0], Filter::Compare(_, CompareOp::Lt, _)));
            assert!(matches!(terms[1], Filter::Compare(_, CompareOp::Eq, _)));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &segs("$[?(10 > @.p)]")[0],
        Segment::Filter(Filter::Compare(_, CompareOp::Lt, _))
    ));
    assert!(matches!(
        &segs("$[?(@.p)]")[0],
        Segment::Filter(Filter::Exists(_))
    ));
    assert!(Path::parse("$[?(@.p <)]").is_err());
}

#[test]
fn syntax_errors() {
    for bad in ["$.", "$[", "$['a'", "$[abc]", "$a.", "$.a]"] {
        assert!(Path::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn normalized() {
    let p = Path::parse("$.no.such[0]").unwrap();
    assert_eq!(p.normalized_prefix(1), "$['no']");
    assert_eq!(p.normalized_prefix(3), "$['no']['such'][0]");
}

#[test]
fn the_input_path_is_the_parsed_dollar() {
    assert_eq!(Path::input(), Path::parse("$").unwrap());
    assert!(Path::input().is_root());
}
