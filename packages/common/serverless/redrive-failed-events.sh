#!/usr/bin/env bash
# Redrive a service's failed-events queue (failed-events.yml): invoke the function that failed again
# with each original event (asynchronously, as S3/EventBridge did), and delete the message once
# Lambda accepted the invocation. A message that fails again comes back after Lambda's retries.
#   packages/common/serverless/redrive-failed-events.sh digits-training-dev-failed-events [--dry-run]
# Needs the AWS CLI (v1 or v2) and jq, with credentials for the stage's account and region.
set -euo pipefail
queue_name=${1:?usage: $0 <queue name, e.g. digits-training-dev-failed-events> [--dry-run]}
dry_run=${2:-}
queue_url=$(aws sqs get-queue-url --queue-name "$queue_name" --query QueueUrl --output text)
event_file=$(mktemp)
trap 'rm -f "$event_file"' EXIT
redriven=0
while :; do
  message=$(aws sqs receive-message --queue-url "$queue_url" --max-number-of-messages 1 \
    --visibility-timeout 300 --query 'Messages[0].[ReceiptHandle,Body]' --output text)
  [ "$message" = None ] || [ -z "$message" ] && break
  receipt=${message%%$'\t'*}
  body=${message#*$'\t'}
  # The destination record: requestContext.functionArn (…:$LATEST), requestPayload (the event), responsePayload (the error).
  function_arn=$(jq -r '.requestContext.functionArn | sub(":\\$LATEST$"; "")' <<<"$body")
  jq -c '.requestPayload' <<<"$body" >"$event_file"
  echo "$function_arn: $(jq -r '.responsePayload.errorMessage // .requestContext.condition' <<<"$body")"
  # Looking only: the message stays (hidden for the visibility timeout), and one is enough to show.
  if [ "$dry_run" = --dry-run ]; then
    aws sqs get-queue-attributes --queue-url "$queue_url" --attribute-names ApproximateNumberOfMessages \
      --query Attributes.ApproximateNumberOfMessages --output text | sed 's/^/waiting: /'
    exit 0
  fi
  aws lambda invoke --function-name "$function_arn" --invocation-type Event \
    --payload "fileb://$event_file" /dev/null >/dev/null
  aws sqs delete-message --queue-url "$queue_url" --receipt-handle "$receipt"
  redriven=$((redriven + 1))
done
echo "redriven: $redriven"
