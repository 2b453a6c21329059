/**
 * Issue 10 item 6: no failed async event vanishes. Every S3-, EventBridge- or schedule-invoked
 * function of every service sends an event that failed after Lambda's retries to its service's
 * encrypted failed-events queue (14-day retention), its role may send there and nowhere else, and
 * an alarm fires on the queue's depth. Checked on the serverless.yml text (no YAML parser here;
 * `sls package` + cfn-lint check the rendered templates).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const SHARED = '${file(../../packages/common/serverless/failed-events.yml)';
const SERVICES = ['ingest', 'preprocess', 'training', 'inference', 'monitoring'] as const;

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Top-level `name:` blocks of a YAML section whose entries are indented by `indent` spaces. */
function blocks(text: string, indent: number): Map<string, string> {
  const out = new Map<string, string>();
  const head = new RegExp(`^ {${indent}}([A-Za-z0-9]+):`, 'gm');
  const starts = [...text.matchAll(head)];
  starts.forEach((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.index : text.length;
    out.set(m[1]!, text.slice(m.index, end));
  });
  return out;
}

function section(yml: string, name: string, next: RegExp): string {
  const start = yml.search(new RegExp(`^${name}:`, 'm'));
  if (start < 0) return '';
  const rest = yml.slice(yml.indexOf('\n', start) + 1);
  const end = rest.search(next);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('failed-events.yml (the shared queue, alarm, destination and send statement)', () => {
  const yml = read('packages/common/serverless/failed-events.yml');

  it('is an SQS queue encrypted at rest that keeps messages 14 days', () => {
    expect(yml).toMatch(/^queue:\n {2}Type: AWS::SQS::Queue$/m);
    expect(yml).toMatch(/^ {4}SqsManagedSseEnabled: true$/m);
    expect(yml).toMatch(/^ {4}MessageRetentionPeriod: 1209600$/m);
  });

  it('alarms when a message is visible in that queue', () => {
    const alarm = section(yml, 'alarm', /^\S/m);
    expect(alarm).toMatch(/Type: AWS::CloudWatch::Alarm/);
    expect(alarm).toMatch(/Namespace: AWS\/SQS/);
    expect(alarm).toMatch(/MetricName: ApproximateNumberOfMessagesVisible/);
    expect(alarm).toMatch(/Value: !GetAtt FailedEventsQueue\.QueueName/);
    expect(alarm).toMatch(/Threshold: 0/);
    expect(alarm).toMatch(/ComparisonOperator: GreaterThanThreshold/);
  });

  it('sends on failure to the queue, with only sqs:SendMessage on it', () => {
    expect(section(yml, 'destination', /^\S/m)).toMatch(
      /onFailure:\n\s+type: sqs\n\s+arn: !GetAtt FailedEventsQueue\.Arn/,
    );
    const send = section(yml, 'sendStatement', /^\S/m);
    expect(send).toMatch(/Action: sqs:SendMessage\n/);
    expect(send).toMatch(/Resource: !GetAtt FailedEventsQueue\.Arn/);
  });
});

describe.each(SERVICES)('services/%s/serverless.yml', (service) => {
  const yml = read(`services/${service}/serverless.yml`);
  const functions = blocks(section(yml, 'functions', /^\S/m), 2);
  const asyncFunctions = [...functions].filter(([, body]) => /^\s+- (s3|eventBridge|schedule):/m.test(body));
  const resources = section(yml, 'resources', /^\S/m);

  it('sends every failed S3/EventBridge/schedule event to the failed-events queue', () => {
    for (const [name, body] of asyncFunctions) {
      expect({ name, destinations: /^ {4}destinations: (.*)$/m.exec(body)?.[1] }).toEqual({
        name,
        destinations: `${SHARED}:destination}`,
      });
    }
  });

  it('lets each of those functions send to that queue (its own role, or the provider role)', () => {
    for (const [name, body] of asyncFunctions) {
      const role = /^ {4}role: (\w+)$/m.exec(body)?.[1];
      const policy = role
        ? blocks(resources, 4).get(role)
        : section(yml, 'provider', /^\S/m).match(/^ {2}iam:\n(?: {3,}.*\n|\n)*/m)?.[0];
      expect({ name, sends: policy?.includes(`- ${SHARED}:sendStatement}`) }).toEqual({ name, sends: true });
    }
  });

  it('declares the queue and its alarm when it has such functions', () => {
    const declared = blocks(resources, 4);
    const expected = asyncFunctions.length > 0;
    expect(declared.get('FailedEventsQueue')?.includes(`${SHARED}:queue}`) ?? false).toBe(expected);
    expect(declared.get('FailedEventsAlarm')?.includes(`${SHARED}:alarm}`) ?? false).toBe(expected);
  });
});

it('the services that have async functions are the ones expected', () => {
  const withAsync = SERVICES.filter((s) =>
    /^\s+- (s3|eventBridge|schedule):/m.test(read(`services/${s}/serverless.yml`)),
  );
  expect(withAsync).toEqual(['ingest', 'preprocess', 'training', 'monitoring']);
});
