/**
 * confirmDeployment: on EventBridge "SageMaker Endpoint State Change" of the stage's endpoint,
 * bring registry/live.json in line with what the endpoint serves (endpoint-truth.ts). The event's
 * own status may be stale by the time it arrives; the endpoint is described again and only its
 * present state counts.
 */
import { ENDPOINT_STATE_CHANGE, type EndpointStateChangeEvent } from '@digits/common';
import { syncLiveWithEndpoint, type EndpointTruthDeps, type SyncOutcome } from './endpoint-truth';
import { TrainingRequestError } from './errors';

export type ConfirmOutcome = SyncOutcome | { action: 'ignored'; reason: string };

export async function confirmDeployment(
  event: EndpointStateChangeEvent,
  deps: EndpointTruthDeps,
): Promise<ConfirmOutcome> {
  if (
    event?.source !== ENDPOINT_STATE_CHANGE.source ||
    event['detail-type'] !== ENDPOINT_STATE_CHANGE.detailType ||
    typeof event.detail?.EndpointName !== 'string'
  ) {
    throw new TrainingRequestError(
      `confirmDeployment expects an EventBridge "${ENDPOINT_STATE_CHANGE.detailType}" event from ${ENDPOINT_STATE_CHANGE.source}`,
    );
  }
  const { EndpointName, EndpointStatus } = event.detail;
  if (EndpointName !== deps.settings.endpointName)
    return {
      action: 'ignored',
      reason: `endpoint ${EndpointName} is not this stage's (${deps.settings.endpointName})`,
    };
  const outcome = await syncLiveWithEndpoint(deps);
  deps.logger.info('endpoint state change handled', {
    endpointName: EndpointName,
    eventStatus: EndpointStatus,
    outcome: outcome.action,
  });
  return outcome;
}
