"""boto3 against `sfn serve`: the endpoint comes from SFN_ENDPOINT; the server was started
with tests/clients/mocks.json as its mock config."""

import json
import os
import time

import boto3
import botocore.config
import pytest

ROLE = "arn:aws:iam::123456789012:role/clients"
HELLO = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "hi", "End": True}}}
FLAKY = {
    "StartAt": "Work",
    "States": {
        "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "work"},
            "End": True,
        }
    },
}
DISTRIBUTED = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "I",
                "States": {"I": {"Type": "Pass", "End": True}},
            },
            "End": True,
        }
    },
}


@pytest.fixture(scope="module")
def sfn():
    return boto3.client(
        "stepfunctions",
        endpoint_url=os.environ["SFN_ENDPOINT"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def create(sfn, name, definition, kind="STANDARD"):
    return sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE, type=kind
    )["stateMachineArn"]


def wait(sfn, arn):
    for _ in range(3000):
        d = sfn.describe_execution(executionArn=arn)
        if d["status"] not in ("RUNNING", "PENDING_REDRIVE"):
            return d
        time.sleep(0.01)
    raise AssertionError(f"{arn} did not end")


def test_create_start_describe_and_history(sfn):
    arn = create(sfn, "Hello", HELLO)
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["name"] == "Hello"
    assert json.loads(described["definition"]) == HELLO
    names = [m["name"] for m in sfn.list_state_machines()["stateMachines"]]
    assert "Hello" in names
    execution = sfn.start_execution(stateMachineArn=arn, name="first", input='{"a": 1}')
    d = wait(sfn, execution["executionArn"])
    assert d["status"] == "SUCCEEDED"
    assert json.loads(d["output"]) == "hi"
    assert d["startDate"] <= d["stopDate"]
    events = sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    listed = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert [e["name"] for e in listed] == ["first"]


def test_errors_are_the_model_exceptions(sfn):
    missing = "arn:aws:states:us-east-1:123456789012:execution:Nope:none"
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_execution(executionArn=missing)
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_execution(executionArn="not-an-arn")
    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.create_state_machine(name="Bad", definition="{}", roleArn=ROLE)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(
            stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:Nope"
        )


def test_a_failed_execution_is_redriven(sfn):
    arn = create(sfn, "Flaky", FLAKY)
    execution = sfn.start_execution(stateMachineArn=arn + "#FailOnce", name="flaky")
    first = wait(sfn, execution["executionArn"])
    assert first["status"] == "FAILED"
    assert first["error"] == "Work.Failed"
    assert first["redriveStatus"] == "REDRIVABLE"
    sfn.redrive_execution(executionArn=execution["executionArn"])
    second = wait(sfn, execution["executionArn"])
    assert second["status"] == "SUCCEEDED"
    assert second["redriveCount"] == 1
    types = [
        e["type"]
        for e in sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    ]
    assert "ExecutionRedriven" in types


def test_map_runs(sfn):
    arn = create(sfn, "Fans", DISTRIBUTED)
    execution = sfn.start_execution(stateMachineArn=arn, input="[1, 2, 3]")
    d = wait(sfn, execution["executionArn"])
    assert d["status"] == "SUCCEEDED"
    assert json.loads(d["output"]) == [1, 2, 3]
    runs = sfn.list_map_runs(executionArn=execution["executionArn"])["mapRuns"]
    assert len(runs) == 1
    run = sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])
    assert run["status"] == "SUCCEEDED"
    assert run["itemCounts"]["succeeded"] == 3
    # A run that has ended takes no more updates.
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_map_run(mapRunArn=runs[0]["mapRunArn"], maxConcurrency=5)


def test_validate(sfn):
    ok = sfn.validate_state_machine_definition(definition=json.dumps(HELLO))
    assert ok["result"] == "OK"
    bad = sfn.validate_state_machine_definition(
        definition=json.dumps({"StartAt": "Nowhere", "States": {}})
    )
    assert bad["result"] == "FAIL"
    assert bad["diagnostics"][0]["severity"] == "ERROR"


def test_start_sync_execution_without_the_sync_host_prefix():
    # The SDKs send StartSyncExecution to the host "sync-" + the endpoint's host; a local
    # endpoint is reached by turning that prefix off.
    sync = boto3.client(
        "stepfunctions",
        endpoint_url=os.environ["SFN_ENDPOINT"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=botocore.config.Config(inject_host_prefix=False),
    )
    arn = create(sync, "Quick", HELLO, kind="EXPRESS")
    done = sync.start_sync_execution(stateMachineArn=arn, input='{"a": 1}')
    assert done["status"] == "SUCCEEDED"
    assert done["output"] == '"hi"'
    assert done["billingDetails"]["billedDurationInMilliseconds"] >= 100
    assert done["stopDate"] >= done["startDate"]
    with pytest.raises(sync.exceptions.StateMachineTypeNotSupported):
        sync.start_sync_execution(stateMachineArn=create(sync, "Slow", HELLO))


def test_activities_with_a_polling_worker(sfn):
    activity = sfn.create_activity(name="clients-worker", tags=[{"key": "k", "value": "v"}])
    arn = activity["activityArn"]
    assert sfn.describe_activity(activityArn=arn)["name"] == "clients-worker"
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]
    machine = create(
        sfn,
        "WithWorker",
        {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": arn, "End": True}}},
    )
    execution = sfn.start_execution(stateMachineArn=machine, input='{"n": 20}')
    task = sfn.get_activity_task(activityArn=arn, workerName="boto3")
    assert json.loads(task["input"]) == {"n": 20}
    sfn.send_task_success(taskToken=task["taskToken"], output='{"n": 21}')
    assert json.loads(wait(sfn, execution["executionArn"])["output"]) == {"n": 21}
    sfn.delete_activity(activityArn=arn)
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist):
        sfn.describe_activity(activityArn=arn)


def test_versions_and_aliases(sfn):
    arn = create(sfn, "Released", HELLO)
    v1 = sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"]
    changed = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "bye", "End": True}}}
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(changed), publish=True)
    v2 = updated["stateMachineVersionArn"]
    alias = sfn.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}]
    )["stateMachineAliasArn"]
    execution = sfn.start_execution(stateMachineArn=alias)
    done = wait(sfn, execution["executionArn"])
    assert done["output"] == '"hi"'
    assert done["stateMachineAliasArn"] == alias
    assert done["stateMachineVersionArn"] == v1
    versions = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in versions] == [v2, v1]
    with pytest.raises(sfn.exceptions.ConflictException):
        sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)


def test_test_state_without_the_sync_host_prefix():
    local = boto3.client(
        "stepfunctions",
        endpoint_url=os.environ["SFN_ENDPOINT"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=botocore.config.Config(inject_host_prefix=False),
    )
    state = {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "Next": "After"}
    out = local.test_state(definition=json.dumps(state), input='{"n": 4}', inspectionLevel="DEBUG")
    assert out["status"] == "SUCCEEDED"
    assert out["nextState"] == "After"
    assert json.loads(out["output"]) == {"doubled": 8}
    assert json.loads(out["inspectionData"]["afterInputPath"]) == {"n": 4}
