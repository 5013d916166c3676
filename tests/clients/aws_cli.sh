#!/usr/bin/env bash
# The AWS CLI against `sfn serve` at $SFN_ENDPOINT (started with tests/clients/mocks.json):
# create, start, describe, history, the redrive of a failed execution, Map Runs, validate,
# a synchronous Express execution, an activity worker, TestState.
set -euo pipefail
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
sfn() { aws stepfunctions --endpoint-url "$SFN_ENDPOINT" --output json "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
fail() { echo "aws_cli.sh: $*" >&2; exit 1; }
role=arn:aws:iam::123456789012:role/cli

wait_end() {
    local status
    for _ in $(seq 3000); do
        status=$(sfn describe-execution --execution-arn "$1" | field '["status"]')
        case "$status" in RUNNING|PENDING_REDRIVE) sleep 0.01 ;; *) echo "$status"; return ;; esac
    done
    fail "$1 did not end"
}

hello='{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"hi","End":true}}}'
sm=$(sfn create-state-machine --name CliHello --definition "$hello" --role-arn "$role" \
    | field '["stateMachineArn"]')
ex=$(sfn start-execution --state-machine-arn "$sm" --name one --input '{"a":1}' \
    | field '["executionArn"]')
[ "$(wait_end "$ex")" = SUCCEEDED ] || fail "CliHello did not succeed"
[ "$(sfn describe-execution --execution-arn "$ex" | field '["output"]')" = '"hi"' ] \
    || fail "wrong output"
[ "$(sfn get-execution-history --execution-arn "$ex" | field '["events"][-1]["type"]')" \
    = ExecutionSucceeded ] || fail "wrong history"

flaky='{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"work"},"End":true}}}'
sm=$(sfn create-state-machine --name Flaky --definition "$flaky" --role-arn "$role" \
    | field '["stateMachineArn"]')
ex=$(sfn start-execution --state-machine-arn "$sm#FailOnce" --name cli-flaky \
    | field '["executionArn"]')
[ "$(wait_end "$ex")" = FAILED ] || fail "the first run should fail"
sfn redrive-execution --execution-arn "$ex" >/dev/null
[ "$(wait_end "$ex")" = SUCCEEDED ] || fail "the redrive should succeed"

fans='{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}'
sm=$(sfn create-state-machine --name CliFans --definition "$fans" --role-arn "$role" \
    | field '["stateMachineArn"]')
ex=$(sfn start-execution --state-machine-arn "$sm" --input '[1,2,3]' | field '["executionArn"]')
[ "$(wait_end "$ex")" = SUCCEEDED ] || fail "CliFans did not succeed"
run=$(sfn list-map-runs --execution-arn "$ex" | field '["mapRuns"][0]["mapRunArn"]')
[ "$(sfn describe-map-run --map-run-arn "$run" | field '["itemCounts"]["succeeded"]')" = 3 ] \
    || fail "wrong Map Run counts"

[ "$(sfn validate-state-machine-definition --definition "$hello" | field '["result"]')" = OK ] \
    || fail "validate"

# StartSyncExecution goes to the host "sync-" + the endpoint's unless the prefix is off.
sm=$(sfn create-state-machine --name CliQuick --definition "$hello" --role-arn "$role" \
    --type EXPRESS | field '["stateMachineArn"]')
[ "$(AWS_DISABLE_HOST_PREFIX_INJECTION=true sfn start-sync-execution --state-machine-arn "$sm" \
    | field '["output"]')" = '"hi"' ] || fail "start-sync-execution"

# An activity worker in shell: poll, then answer with the token.
act=$(sfn create-activity --name cli-worker | field '["activityArn"]')
worker="{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Task\",\"Resource\":\"$act\",\"End\":true}}}"
sm=$(sfn create-state-machine --name CliWorker --definition "$worker" --role-arn "$role" \
    | field '["stateMachineArn"]')
ex=$(sfn start-execution --state-machine-arn "$sm" --input '{"x":1}' | field '["executionArn"]')
token=$(sfn get-activity-task --activity-arn "$act" --worker-name cli | field '["taskToken"]')
sfn send-task-success --task-token "$token" --task-output '{"done":true}' >/dev/null
[ "$(wait_end "$ex")" = SUCCEEDED ] || fail "the activity's execution did not succeed"

# TestState, like StartSyncExecution, goes to the "sync-" host unless the prefix is off.
state='{"Type":"Pass","Parameters":{"y.$":"$.x"},"End":true}'
[ "$(AWS_DISABLE_HOST_PREFIX_INJECTION=true sfn test-state --definition "$state" \
    --input '{"x":5}' | field '["output"]')" = '{"y":5}' ] || fail "test-state"

err=$(mktemp)
trap 'rm -f "$err"' EXIT
if sfn describe-execution \
    --execution-arn arn:aws:states:us-east-1:123456789012:execution:No:none 2>"$err"; then
    fail "a missing execution was described"
fi
grep -q ExecutionDoesNotExist "$err" || fail "no ExecutionDoesNotExist: $(cat "$err")"
echo "aws_cli.sh: all passed"
