use super::*;

#[test]
fn only_strings_the_delimiters_open_and_close_are_expressions() {
    assert_eq!(expression_text("{% 1 %}"), Some(" 1 "));
    assert_eq!(expression_text(" {% 1 %}"), None);
    assert_eq!(expression_text("{% 1 %} "), None);
    assert_eq!(expression_text("{%"), None);
    assert_eq!(expression_text("text"), None);
}

#[test]
fn what_an_expression_reads_is_known_before_it_runs() {
    let e = Expression::parse(" $states.input.a & $x & $uuid() & $states.context.Execution.Id ")
        .unwrap();
    assert_eq!(
        e.text(),
        "$states.input.a & $x & $uuid() & $states.context.Execution.Id"
    );
    assert_eq!(e.variables(), ["x".to_string()]);
    assert!(e.states().input && e.states().context);
    assert!(!e.states().result && !e.states().error_output);
    assert_eq!(e.functions(), [HostFunction::Uuid]);
    assert_eq!(e.shortcut(), None);
    let whole = Expression::parse("$states").unwrap();
    assert!(whole.states().result && whole.states().error_output);
    let filtered = Expression::parse("$states.result.items[$x > 1].a").unwrap();
    assert!(filtered.states().result);
    assert_eq!(filtered.variables(), ["x".to_string()]);
}

#[test]
fn literals_and_plain_field_chains_have_shortcuts() {
    let lookup = |root, keys: &[&str]| Shortcut::Lookup {
        root,
        keys: keys.iter().map(|k| k.to_string()).collect(),
    };
    let s = |t: &str| Expression::parse(t).unwrap().shortcut().cloned();
    assert_eq!(
        s("$states.input.a.b"),
        Some(lookup(LookupRoot::Input, &["a", "b"]))
    );
    assert_eq!(s("$states.result"), Some(lookup(LookupRoot::Result, &[])));
    assert_eq!(
        s("$v.k"),
        Some(lookup(LookupRoot::Variable("v".into()), &["k"]))
    );
    assert_eq!(s("$v"), Some(lookup(LookupRoot::Variable("v".into()), &[])));
    assert_eq!(s("'t'"), Some(Shortcut::Literal(Value::from("t"))));
    assert_eq!(s("42"), Some(Shortcut::Literal(Value::from(42))));
    assert_eq!(s("1.5"), Some(Shortcut::Literal(Value::from(1.5))));
    assert_eq!(s("$states.input.a[0]"), None);
    assert_eq!(s("$states.context.Execution"), None);
    assert_eq!(s("$states.input.a + 1"), None);
}

#[test]
fn bad_expressions_are_refused_with_aws_codes_and_messages() {
    let e = |t: &str| Expression::parse(t).unwrap_err();
    assert_eq!(e("(").code, code::INVALID_JSONATA_EXPRESSION);
    assert_eq!(e("(").message, "Unexpected end of expression");
    assert_eq!(e("  ").message, "Unexpected end of expression");
    assert_eq!(e("$").code, code::UNSUPPORTED_JSONATA_EXPRESSION);
    assert_eq!(e("$$.a").message, "Reference to '$$' is not supported.");
    assert_eq!(
        e("phone").message,
        "Reference to 'phone' at the top level is not supported."
    );
    // Sort terms, group-by patterns and transforms read each item.
    assert!(Expression::parse("$states.input.items^(price)").is_ok());
    assert!(Expression::parse("$states.input.items{name: price}").is_ok());
    assert!(Expression::parse("$states.input ~> |a|{'b': 1}|").is_ok());
    assert!(
        !Expression::parse("'$states.errorOutput'")
            .unwrap()
            .states()
            .names_error_output
    );
    // Relative to the item at hand, `$` and bare names are fine.
    assert!(Expression::parse("$states.input.items[$ > 1]").is_ok());
    assert!(Expression::parse("$states.input.items[price > 1].name").is_ok());
}
