/**
 * The `train` entrypoint of the SageMaker bring-your-own-container contract:
 *   <root>/input/config/hyperparameters.json  hyperparameters (strings)
 *   <root>/input/data/{train,test}/*.csv       channels (label + 784 pixels a row)
 *   <root>/input/data/reference/               optional: the stage's reference set (reference.json + CSV)
 *   <root>/input/data/{init,replay}/           a corrections job: the live model's model.tar.gz and its
 *                                              training data (feedback.ts)
 *   <root>/model/                              the trained model (SageMaker tars it)
 *   <root>/output/failure                      the reason, when training fails
 * <root> is $DIGITS_ML_ROOT, else /opt/ml.
 */
import { isAugmenting } from './augment';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  DEFAULT_ML_ROOT,
  HYPERPARAMETERS as H,
  ML_ROOT_ENV,
  type FeedbackScores,
  type ModelMetadata,
} from '@digits/common';
import { backendDetails, initBackend } from '../backend';
import { saveModel } from '../model-files';
import { readChannel } from './channels';
import { evaluate, fit, metricLine, perClassAccuracy, type EpochMetrics, type Evaluation } from './fit';
import {
  correctionRepeats,
  feedbackMetricLine,
  mixTrainingRows,
  blendWeights,
  copyOfWeights,
  pairedChanges,
  readInitModel,
  readReplaySample,
} from './feedback';
import { readReferenceChannel, referenceMetricLine, scoreOnReference } from './reference';
import {
  DEFAULT_TRAINING_CONFIG,
  readHyperparameters,
  resolveTrainingConfig,
  type TrainingConfig,
} from './hyperparameters';
import { buildClassifier, INPUT_SHAPE, membersOf, widthOf } from './model';
import { trainMembers } from './ensemble';
import { SHIFT_SETS, withShiftViews } from './shift-views';
import { robustnessMetricLine, scoreModelRobustness } from '../robust/model-scores';

export { DEFAULT_TRAINING_CONFIG, type TrainingConfig } from './hyperparameters';
export { TrainingInputError } from './errors';
import { TrainingInputError } from './errors';

export interface TrainingOptions {
  mlRoot?: string;
  /** Where progress and metric lines go (default: stdout). */
  log?: (line: string) => void;
}

export interface TrainingResult {
  modelDir: string;
  metadata: ModelMetadata;
  epochs: EpochMetrics[];
  /** Wall time of the whole run, data loading included. */
  seconds: number;
  backend: string;
  threads: number;
}

export async function runTraining(options: TrainingOptions = {}): Promise<TrainingResult> {
  const mlRoot = options.mlRoot ?? process.env[ML_ROOT_ENV] ?? DEFAULT_ML_ROOT;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const failureFile = join(mlRoot, 'output', 'failure');
  const started = performance.now();
  try {
    await rm(failureFile, { force: true });
    const config = resolveTrainingConfig(
      await readHyperparameters(join(mlRoot, 'input', 'config', 'hyperparameters.json')),
    );
    tf.env().set('PROD', true); // skip debug-mode checks
    const backend = await initBackend();
    const { threads, versions } = backendDetails();
    log(
      `training on ${backend}${threads ? ` (${threads} threads)` : ''}, ready in ${secondsSince(started).toFixed(1)} s: ${config.epochs} epochs, batch ${config.batchSize}, peak learning rate ${config.learningRate}, seed ${config.seed}${config.ensemble > 1 ? `, ensemble of ${config.ensemble}` : ''}${config.width > 1 ? `, width ${config.width}` : ''}`,
    );

    const loading = performance.now();
    const train = await readChannel(mlRoot, 'train', config.maxRows);
    const test = await readChannel(mlRoot, 'test', config.maxTestRows);
    const referenceSet = await readReferenceChannel(mlRoot);
    log(
      `data: ${train.rows} training rows from ${train.files.length} file(s), ${test.rows} test rows from ${test.files.length} file(s)${referenceSet ? `, reference set ${referenceSet.manifest.version} (${referenceSet.data.rows} rows)` : ', no reference set'}, read in ${secondsSince(loading).toFixed(1)} s`,
    );

    // A corrections job: score the init (live) weights on the held-out corrections, start from them.
    const init = config.initModel !== undefined ? await readInitModel(mlRoot) : undefined;
    const fineTuning = init !== undefined && !config.fromScratch;
    // Fine-tuning keeps the live model's shape (recorded as trained): an ensemble's members are fine-tuned together.
    if (fineTuning) {
      config.ensemble = membersOf(init) ?? config.ensemble;
      config.width = widthOf(init) ?? config.width;
    }
    const initOnHeldOut = init && evaluate(init, test);
    const replay = await readReplaySample(mlRoot, config.replayRows, config.seed);
    const repeats = correctionRepeats(train.rows, replay?.rows ?? 0, config.correctionsShare);
    const rows = replay ? mixTrainingRows(train, replay, repeats) : train;
    if (config.initModel !== undefined || replay)
      log(
        `${config.initModel === undefined ? 'no init model' : `init model ${config.initModel}${config.fromScratch ? ' (scored only: from scratch)' : ''}`}: ${train.rows} training rows ×${repeats} + ${replay?.rows ?? 0} replayed rows`,
      );

    const epochs: EpochMetrics[] = [];
    let model: tf.LayersModel;
    let final: Evaluation;
    if (config.ensemble > 1 && !fineTuning) {
      ({ model, final } = await trainMembers(rows, test, config, (i, m) => {
        epochs.push(m);
        log(`member=${i + 1}/${config.ensemble} ${metricLine(m)}`);
      }));
      // The last test_accuracy line: SageMaker's final metric is the ensemble's, the model saved.
      log(
        `ensemble of ${config.ensemble}: test_loss=${final.loss.toFixed(4)} test_accuracy=${final.accuracy.toFixed(4)}`,
      );
    } else {
      const classifier = buildClassifier(config.seed, config.ensemble, config.width, config.dropout);
      let initWeights: tf.Tensor[] | undefined;
      if (fineTuning) {
        copyWeights(init, classifier.model);
        if (config.initWeightShare > 0) initWeights = copyOfWeights(classifier.model);
      }
      final = await fit(classifier, rows, test, config, (m) => {
        epochs.push(m);
        log(metricLine(m));
      });
      if (initWeights) {
        blendWeights(classifier.model, initWeights, config.initWeightShare);
        for (const w of initWeights) w.dispose();
        final = evaluate(classifier.model, test);
        // Its metrics as the last of their lines: SageMaker's final test_accuracy is the model saved.
        log(
          `final weights: ${config.initWeightShare} init + ${round(1 - config.initWeightShare, 4)} fine-tuned: test_loss=${final.loss.toFixed(4)} test_accuracy=${final.accuracy.toFixed(4)}`,
        );
      }
      model = classifier.model;
    }
    init?.dispose();
    if (config.testTimeShifts !== 'none') {
      const shifts = SHIFT_SETS[config.testTimeShifts];
      model = withShiftViews(model, shifts);
      final = evaluate(model, test);
      // The last test_accuracy line: SageMaker's final metric is the model saved, with its views.
      log(
        `test-time shifts ${config.testTimeShifts} (${shifts.length + 1} views): test_loss=${final.loss.toFixed(4)} test_accuracy=${final.accuracy.toFixed(4)}`,
      );
    }

    const reference = referenceSet && scoreOnReference(model, referenceSet);
    if (reference) log(referenceMetricLine(reference));
    const feedback: FeedbackScores | undefined =
      config.initModel !== undefined || replay
        ? {
            initModel: config.initModel ?? null,
            corrections: train.rows,
            heldOut: test.rows,
            heldOutAccuracy: final.accuracy,
            initHeldOutAccuracy: initOnHeldOut?.accuracy ?? null,
            ...(initOnHeldOut ? pairedChanges(initOnHeldOut.predictions, final.predictions, test.labels) : {}),
            replayRows: replay?.rows ?? 0,
          }
        : undefined;
    if (feedback) log(feedbackMetricLine(feedback));
    // On the reference set when there is one (the same images for every model of the stage), else the test split.
    const scoring = performance.now();
    const robustness =
      config.robustnessImages > 0
        ? await scoreModelRobustness(
            model,
            referenceSet?.data ?? test,
            referenceSet ? `reference ${referenceSet.manifest.version}` : 'test',
            config.robustnessImages,
          )
        : undefined;
    if (robustness) log(`${robustnessMetricLine(robustness)} robustness_seconds=${secondsSince(scoring).toFixed(1)}`);
    const trainingSeconds = secondsSince(started);
    const metadata: ModelMetadata = {
      hyperparameters: hyperparameterRecord(config),
      ...(config.dataset && config.datasetVersion
        ? { dataManifest: { dataset: config.dataset, version: config.datasetVersion } }
        : {}),
      trainRows: train.rows,
      testRows: test.rows,
      testAccuracy: final.accuracy,
      perClassAccuracy: perClassAccuracy(final.confusion),
      confusionMatrix: final.confusion,
      trainingSeconds: round(trainingSeconds, 1),
      trainedAt: new Date().toISOString(),
      versions,
      backend,
      input: { shape: INPUT_SHAPE, scale: '0..1' },
      ...(reference ? { reference } : {}),
      ...(feedback ? { feedback } : {}),
      ...(robustness ? { robustness } : {}),
    };
    const modelDir = join(mlRoot, 'model');
    await saveModel(model, modelDir, metadata);
    log(
      `model saved to ${modelDir}: test accuracy ${(final.accuracy * 100).toFixed(2)}% on ${test.rows} images, ${round(secondsSince(started), 1)} s`,
    );
    model.dispose();
    return { modelDir, metadata, epochs, seconds: secondsSince(started), backend, threads };
  } catch (e) {
    const reason = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
    await mkdir(join(mlRoot, 'output'), { recursive: true });
    await writeFile(failureFile, `${reason}\n`);
    throw e;
  }
}

/** The CLI's `train` command: run, print the failure reason on stderr, return the exit code. */
export async function trainMain(): Promise<number> {
  try {
    await runTraining();
    return 0;
  } catch (e) {
    process.stderr.write(`training failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

function hyperparameterRecord(c: TrainingConfig): Record<string, string | number> {
  const r: Record<string, string | number> = {
    [H.epochs]: c.epochs,
    [H.batchSize]: c.batchSize,
    [H.learningRate]: c.learningRate,
    [H.seed]: c.seed,
  };
  if (c.maxRows !== undefined) r[H.maxRows] = c.maxRows;
  if (c.maxTestRows !== undefined) r[H.maxTestRows] = c.maxTestRows;
  if (c.dataset !== undefined) r[H.dataset] = c.dataset;
  if (c.datasetVersion !== undefined) r[H.datasetVersion] = c.datasetVersion;
  if (isAugmenting(c.augment)) {
    r[H.augmentRotation] = c.augment.rotationDegrees;
    r[H.augmentShear] = c.augment.shear;
    r[H.augmentScale] = c.augment.scale;
    r[H.augmentShift] = c.augment.shiftPixels;
    r[H.augmentLowres] = c.augment.lowresProbability;
    r[H.augmentBlur] = c.augment.blurSigma;
    r[H.augmentNoise] = c.augment.noiseSigma;
    r[H.augmentElastic] = c.augment.elasticPixels;
  }
  if (c.labelSmoothing !== DEFAULT_TRAINING_CONFIG.labelSmoothing) r[H.labelSmoothing] = c.labelSmoothing;
  r[H.dropoutConv] = c.dropout.conv;
  r[H.dropoutDense] = c.dropout.dense;
  if (c.testTimeShifts !== DEFAULT_TRAINING_CONFIG.testTimeShifts) r[H.testTimeShifts] = c.testTimeShifts;
  if (c.ensemble !== DEFAULT_TRAINING_CONFIG.ensemble) r[H.ensemble] = c.ensemble;
  if (c.width !== DEFAULT_TRAINING_CONFIG.width) r[H.width] = c.width;
  if (c.robustnessImages !== DEFAULT_TRAINING_CONFIG.robustnessImages) r[H.robustnessImages] = c.robustnessImages;
  if (c.initModel !== undefined) {
    r[H.initModel] = c.initModel;
    r[H.fromScratch] = String(c.fromScratch);
    r[H.replayRows] = c.replayRows;
    r[H.correctionsShare] = c.correctionsShare;
    r[H.initWeightShare] = c.initWeightShare;
  }
  return r;
}

/** The init model's weights into the freshly built classifier (same layers, same order). */
function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  const source = from.getWeights();
  const target = to.getWeights();
  const same =
    source.length === target.length && source.every((w, i) => w.shape.join('x') === target[i]!.shape.join('x'));
  if (!same)
    throw new TrainingInputError(
      `the init model's weights (${source.map((w) => w.shape.join('x')).join(', ')}) do not fit this classifier (${target.map((w) => w.shape.join('x')).join(', ')})`,
    );
  to.setWeights(source);
}

const secondsSince = (t: number) => (performance.now() - t) / 1000;
const round = (v: number, digits: number) => Number(v.toFixed(digits));
