import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { matchesEventPattern, selectInputPath } from './event-pattern';
import { LOCAL_ACCOUNT_ID } from './intrinsics';
import { busName } from './service-config';
import type { FunctionDefinition } from './types';

/** An event as EventBridge delivers it to a target. */
export type BusEvent = EventBridgeEvent<string, unknown>;

/** What PutEvents takes (one entry of `Entries`). */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  /** JSON text, as the API takes it (an object is accepted too). */
  Detail: string | Record<string, unknown>;
  Resources?: string[];
  EventBusName?: string;
  Time?: Date | string;
}

export class EventBridgeError extends Error {
  override name = 'EventBridgeError';
}

/** Accept a delivered-shape event or a PutEvents entry; fill id/time/account/region as EventBridge does. */
export function toBusEvent(
  input: Partial<BusEvent> | PutEventsEntry,
  region: string,
): { bus: string; event: BusEvent } {
  if ('Source' in input || 'DetailType' in input) {
    const entry = input as PutEventsEntry;
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined)
      throw new EventBridgeError('a PutEvents entry needs Source, DetailType and Detail');
    let detail: unknown = entry.Detail;
    if (typeof detail === 'string') {
      try {
        detail = JSON.parse(detail);
      } catch {
        throw new EventBridgeError(`Detail of ${entry.DetailType} is not valid JSON`);
      }
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
      throw new EventBridgeError('Detail must be a JSON object');
    return {
      bus: busName(entry.EventBusName ?? 'default'),
      event: {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: LOCAL_ACCOUNT_ID,
        time: isoSeconds(entry.Time ? new Date(entry.Time) : new Date()),
        region,
        resources: entry.Resources ?? [],
        detail,
      },
    };
  }
  const e = input as Partial<BusEvent> & { 'event-bus-name'?: string };
  if (!e.source || !e['detail-type']) throw new EventBridgeError('an event needs source and detail-type');
  return {
    bus: 'default',
    event: {
      version: e.version ?? '0',
      id: e.id ?? randomUUID(),
      'detail-type': e['detail-type'],
      source: e.source,
      account: e.account ?? LOCAL_ACCOUNT_ID,
      time: e.time ?? isoSeconds(new Date()),
      region: e.region ?? region,
      resources: e.resources ?? [],
      detail: e.detail ?? {},
    },
  };
}

/** EventBridge times have second precision: 2024-01-01T12:00:00Z. */
const isoSeconds = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** Each function whose rule on this bus matches, with the input its target configuration delivers. */
export function eventTargets(
  functions: FunctionDefinition[],
  bus: string,
  event: BusEvent,
): Array<{ definition: FunctionDefinition; input: unknown }> {
  const out: Array<{ definition: FunctionDefinition; input: unknown }> = [];
  for (const definition of functions) {
    for (const rule of definition.events.eventBridge) {
      if (rule.eventBus !== bus || !matchesEventPattern(rule.pattern, event)) continue;
      const input =
        rule.input !== undefined
          ? rule.input
          : rule.inputPath !== undefined
            ? selectInputPath(event, rule.inputPath)
            : event;
      out.push({ definition, input });
    }
  }
  return out;
}
