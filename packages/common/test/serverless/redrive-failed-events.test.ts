/**
 * The redrive command of the failed-events queues, run against a stand-in `aws` CLI that answers
 * from a folder of messages and records every call: each original event is re-invoked on the
 * function that failed (asynchronously, its ARN without `:$LATEST`), then its message deleted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'serverless', 'redrive-failed-events.sh');
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:digits-training-dev-startTraining';

/** `aws` answering get-queue-url, receive-message (one message file at a time), invoke and delete-message. */
const FAKE_AWS = `#!/usr/bin/env bash
set -eu
echo "$*" >> "$FAKE_DIR/calls.log"
case "$1 $2" in
  "sqs get-queue-url") echo "https://sqs.us-east-1.amazonaws.com/123456789012/$4" ;;
  "sqs receive-message")
    next=$(ls "$FAKE_DIR/queue" | sort | head -n 1)
    if [ -z "$next" ]; then echo None; else printf '%s\\t%s\\n' "$next" "$(cat "$FAKE_DIR/queue/$next")"; fi ;;
  "sqs get-queue-attributes") ls "$FAKE_DIR/queue" | wc -l ;;
  "sqs delete-message") rm "$FAKE_DIR/queue/\${@: -1}" ;;
  "lambda invoke")
    for a in "$@"; do case "$a" in fileb://*) cp "\${a#fileb://}" "$FAKE_DIR/invoked-$(ls "$FAKE_DIR" | grep -c invoked)";; esac; done ;;
esac
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redrive-'));
  execFileSync('mkdir', ['-p', join(dir, 'bin'), join(dir, 'queue')]);
  writeFileSync(join(dir, 'bin', 'aws'), FAKE_AWS);
  chmodSync(join(dir, 'bin', 'aws'), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function failed(receipt: string, event: unknown): void {
  const record = {
    version: '1.0',
    requestContext: { functionArn: `${FN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    requestPayload: event,
    responsePayload: { errorType: 'Error', errorMessage: 'SlowDown' },
  };
  writeFileSync(join(dir, 'queue', receipt), JSON.stringify(record));
}

const run = (...args: string[]) =>
  execFileSync('bash', [SCRIPT, 'digits-training-dev-failed-events', ...args], {
    env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_DIR: dir },
    encoding: 'utf8',
  });

it('re-invokes the failed function with each original event and deletes the messages', () => {
  const events = [{ Records: [{ s3: { object: { key: 'mnist/v-1/manifest.json' } } }] }, { detail: { x: 1 } }];
  failed('r1', events[0]);
  failed('r2', events[1]);

  const out = run();

  expect(out).toMatch(/redriven: 2\n$/);
  expect(readdirSync(join(dir, 'queue'))).toEqual([]);
  const invoked = [0, 1].map((i) => JSON.parse(readFileSync(join(dir, `invoked-${i}`), 'utf8')));
  expect(invoked).toEqual(events);
  const calls = readFileSync(join(dir, 'calls.log'), 'utf8');
  expect(calls).toContain(`lambda invoke --function-name ${FN} --invocation-type Event`);
  expect(calls).not.toContain('$LATEST --invocation-type');
});

it('--dry-run shows the first failure and how many wait, and changes nothing', () => {
  failed('r1', { detail: {} });
  failed('r2', { detail: {} });

  const out = run('--dry-run');

  expect(out).toContain(`${FN}: SlowDown`);
  expect(out).toMatch(/waiting: 2\n$/);
  expect(readdirSync(join(dir, 'queue'))).toEqual(['r1', 'r2']);
  expect(readFileSync(join(dir, 'calls.log'), 'utf8')).not.toContain('lambda invoke');
});
