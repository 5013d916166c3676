use super::*;

#[test]
fn names() {
    assert!("ok-name_1".parse::<Name>().is_ok());
    for bad in ["", "a b", "a/b", "a:b", "a$b", "a\u{1}b", &"x".repeat(81)] {
        let e = bad.parse::<Name>().unwrap_err();
        assert_eq!(e.name(), "InvalidName", "{bad:?}");
    }
}

#[test]
fn express_arns_name_their_machine_and_execution() {
    let machine: StateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:Sm"
        .parse()
        .unwrap();
    let a = machine.express_execution("run-1");
    let b = machine.express_execution("run-1");
    assert_ne!(a, b, "two Express executions of one name have two ARNs");
    assert!(a
        .as_str()
        .starts_with("arn:aws:states:us-east-1:123456789012:express:Sm:run-1:"));
    let parsed: ExecutionArn = a.as_str().parse().unwrap();
    assert!(parsed.is_express());
    assert_eq!((parsed.state_machine(), parsed.name()), ("Sm", "run-1"));
    assert_eq!(parsed.state_machine_arn(), machine);
    assert!(!machine.execution("run-1").is_express());
    for bad in [
        "arn:aws:states:us-east-1:123456789012:express:Sm:run-1",
        "arn:aws:states:us-east-1:123456789012:express:Sm:run-1:id:more",
    ] {
        assert!(bad.parse::<ExecutionArn>().is_err(), "{bad}");
    }
}

#[test]
fn arns_round_trip() {
    let s = "arn:aws:states:us-east-1:123456789012:stateMachine:Sm";
    assert_eq!(s.parse::<StateMachineArn>().unwrap().to_string(), s);
    let e = "arn:aws:states:us-east-1:123456789012:execution:Sm:run-1";
    let arn = e.parse::<ExecutionArn>().unwrap();
    assert_eq!(arn.to_string(), e);
    assert_eq!(arn.state_machine_arn().to_string(), s);
    assert_eq!((arn.region(), arn.account()), ("us-east-1", "123456789012"));
    assert_eq!((arn.state_machine(), arn.name()), ("Sm", "run-1"));
    let machine = s.parse::<StateMachineArn>().unwrap();
    assert_eq!(machine.execution("run-1"), arn);
    assert_eq!(machine.qualified(), (machine.clone(), None));
    let v = machine.version(3);
    assert_eq!(
        v.qualified(),
        (machine.clone(), Some(Qualifier::Version(3)))
    );
    let a: StateMachineArn = format!("{s}:live").parse().unwrap();
    assert_eq!(
        a.qualified(),
        (machine.clone(), Some(Qualifier::Alias("live".into())))
    );
    assert_eq!(machine.alias("live"), a);
    // A Distributed Map's children: their machine, executions and run.
    let children = machine.map_children("L");
    assert_eq!(children.name(), "Sm/L");
    let child = children.execution("id-1");
    assert_eq!(
        child.as_str(),
        "arn:aws:states:us-east-1:123456789012:execution:Sm/L:id-1"
    );
    assert_eq!((child.state_machine(), child.name()), ("Sm/L", "id-1"));
    assert_eq!(child.state_machine_arn(), children);
    let run = machine.map_run("L", "id-2");
    assert_eq!(
        run.as_str(),
        "arn:aws:states:us-east-1:123456789012:mapRun:Sm/L:id-2"
    );
    assert_eq!(run.as_str().parse::<MapRunArn>().unwrap(), run);
}

#[test]
fn malformed_arns_are_invalid_arn() {
    for bad in [
        "",
        "arn:aws:states:us-east-1:123:stateMachine:Sm",
        "arn:aws:lambda:us-east-1:123456789012:stateMachine:Sm",
        "arn:aws:states:us-east-1:123456789012:execution:Sm",
        "arn:aws:states:us-east-1:123456789012:stateMachine:",
    ] {
        assert_eq!(
            bad.parse::<StateMachineArn>().unwrap_err().name(),
            "InvalidArn"
        );
    }
    assert!("arn:aws:states:us-east-1:123456789012:stateMachine:Sm"
        .parse::<ExecutionArn>()
        .is_err());
    for bad in [
        "arn:aws:states:us-east-1:123456789012:mapRun:Sm:id",
        "arn:aws:states:us-east-1:123456789012:execution:Sm/L:id",
        "arn:aws:states:us-east-1:123456789012:mapRun:Sm/L",
    ] {
        assert_eq!(bad.parse::<MapRunArn>().unwrap_err().name(), "InvalidArn");
    }
    assert!("arn:aws:states:us-east-1:123456789012:mapRun:Sm/L:id"
        .parse::<MapRunArn>()
        .is_ok());
}
