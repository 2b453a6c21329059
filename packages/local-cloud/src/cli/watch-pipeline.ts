import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  parseManifest,
  parseManifestKey,
  parseRawKey,
  REGISTRY_LIVE_KEY,
  REGISTRY_MODELS_PREFIX,
  REJECTED_SUFFIX,
  RAW_ERRORS_PREFIX,
  type FeedbackScores,
  type LivePointer,
  type ModelRecord,
} from '@digits/common';
import type { LocalCloud } from '../local-cloud';
import { parseMetricLine, parseProgressLine, type Progress } from './progress';

/** Turn what the stand-ins see (object writes, SageMaker state changes, container logs) into progress lines. */
export function watchPipeline(cloud: LocalCloud, progress: Progress): () => void {
  const readJson = async (Bucket: string, Key: string): Promise<unknown> => {
    const out = await cloud.s3Client.send(new GetObjectCommand({ Bucket, Key }));
    return JSON.parse(await out.Body!.transformToString());
  };
  const report = (what: Promise<void>) =>
    what.catch((e: Error) => progress.stage('warning', `could not read progress: ${e.message}`));

  let liveModel: string | undefined;
  const onObject = (event: {
    Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number } } }>;
  }) => {
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated')) continue;
      const bucket = record.s3.bucket.name;
      const key = record.s3.object.key;
      const raw = parseRawKey(key);
      const manifest = parseManifestKey(key);
      if (raw && bucket.endsWith('-raw')) {
        progress.stage('ingest', `raw ${raw.dataset}/${raw.file} (${record.s3.object.size ?? '?'} bytes)`);
      } else if (manifest) {
        report(
          readJson(bucket, key).then((m) => {
            const { splits } = parseManifest(m);
            progress.stage(
              'preprocess',
              `manifest ${manifest.dataset}/${manifest.version}: ${splits.train.rows} train + ${splits.test.rows} test rows`,
            );
          }),
        );
      } else if (key.endsWith(REJECTED_SUFFIX)) {
        report(
          readJson(bucket, key).then((r) =>
            progress.stage(
              'ingest',
              `REJECTED ${key.slice(0, -REJECTED_SUFFIX.length)}: ${(r as { reason?: string }).reason}`,
            ),
          ),
        );
      } else if (key.startsWith(RAW_ERRORS_PREFIX) && bucket.endsWith('-raw')) {
        report(readJson(bucket, key).then((r) => progress.stage('preprocess', `FAILED ${JSON.stringify(r)}`)));
      } else if (key === REGISTRY_LIVE_KEY) {
        // After READY too: a retraining from corrections shows its new live model like the first.
        report(
          readJson(bucket, key).then((p) => {
            const { trainingJobName } = p as LivePointer;
            if (trainingJobName === liveModel) return;
            liveModel = trainingJobName;
            progress.stage('live', `${trainingJobName} now answers /predict`);
          }),
        );
      } else if (key.startsWith(REGISTRY_MODELS_PREFIX)) {
        report(
          readJson(bucket, key).then((r) => {
            const record = r as ModelRecord;
            const accuracy = record.metrics?.test_accuracy;
            // The gate judges the reference set; the dataset's own test split is shown, labelled.
            const scores = [
              record.reference
                ? `reference_accuracy=${record.reference.accuracy.toFixed(4)} (${record.reference.version})`
                : '',
              accuracy !== undefined ? `uploaded test split accuracy=${accuracy}` : '',
              record.feedback ? feedbackSummary(record.feedback) : '',
            ].filter(Boolean);
            progress.stage(
              'gate',
              `${record.trainingJobName} ${record.status}${scores.length ? ` ${scores.join(', ')}` : ''}: ${record.gate.deploy ? 'DEPLOY' : 'REFUSED'} — ${record.gate.reason}`,
            );
          }),
        );
      }
    }
  };
  cloud.s3.server.on('event', onObject);

  const epochsOf = new Map<string, number>();
  const offEvent = cloud.sageMaker.onEvent((event) => {
    const d = event.detail as Record<string, unknown>;
    if (event['detail-type'] === 'SageMaker Training Job State Change') {
      const name = String(d.TrainingJobName);
      const epochs = Number((d.HyperParameters as Record<string, string> | undefined)?.epochs);
      if (Number.isFinite(epochs)) epochsOf.set(name, epochs);
      const reason = d.FailureReason ? ` — ${String(d.FailureReason)}` : '';
      progress.stage(
        'training',
        `job ${name} ${String(d.TrainingJobStatus)}${d.SecondaryStatus ? ` (${String(d.SecondaryStatus)})` : ''}${reason}`,
      );
    } else if (event['detail-type'] === 'SageMaker Endpoint State Change') {
      const reason = d.FailureReason ? ` — ${String(d.FailureReason)}` : '';
      progress.stage(
        'endpoint',
        `${String(d.EndpointName)} ${String(d.EndpointStatus)}${d.EndpointConfigName ? ` (${String(d.EndpointConfigName)})` : ''}${reason}`,
      );
    }
  });
  const offLog = cloud.sageMaker.onLog((line) => {
    if (line.source !== 'training-job') return;
    const metrics = parseMetricLine(line.line);
    if (metrics) progress.epoch(line.name, metrics.epoch!, epochsOf.get(line.name), metrics);
    const partial = parseProgressLine(line.line);
    if (partial)
      progress.epoch(line.name, partial.epoch - 1 + partial.fraction, partial.epochs, { loss: partial.loss ?? NaN });
  });

  return () => {
    cloud.s3.server.off('event', onObject);
    offEvent();
    offLog();
  };
}

/** A corrections model's scores for the gate line: what it learnt from and its held-out gain. */
export function feedbackSummary(f: FeedbackScores): string {
  const init = f.initHeldOutAccuracy === null ? 'n/a' : f.initHeldOutAccuracy.toFixed(4);
  const changed = f.fixed === undefined ? '' : ` (${f.fixed} fixed, ${f.broken} broken)`;
  return `learnt from ${f.corrections} corrections + ${f.replayRows} replayed rows, held-out corrections (${f.heldOut}) ${f.heldOutAccuracy.toFixed(4)} vs live ${init}${changed}`;
}
