import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from './intrinsics';
import type { ScheduleSource } from './types';

/** The event an EventBridge schedule rule delivers ("Scheduled Event", empty detail). */
export function scheduledEvent(functionName: string, _schedule: ScheduleSource, region: string, at = new Date()) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${functionName}-schedule`],
    detail: {},
  };
}
