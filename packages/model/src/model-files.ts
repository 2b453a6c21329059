/**
 * The model folder (SageMaker's /opt/ml/model, tarred to model.tar.gz): the tfjs Layers format
 * (`model.json` + `weights.bin`, the same layout tfjs-node's file:// handler writes) plus
 * `metadata.json` (MODEL_METADATA_FILE). Plain @tensorflow/tfjs has no file:// handler, so the
 * artifacts go through tf.io.withSaveHandler / tf.io.fromMemory.
 */
import { readFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  MODEL_METADATA_FILE,
  ModelReportError,
  encodeModelMetadata,
  parseModelMetadata,
  type ModelMetadata,
} from '@digits/common';

export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export class ModelFilesError extends Error {
  override name = 'ModelFilesError';
}

/** Write model.json, weights.bin and metadata.json into `dir` (created if missing). */
export async function saveModel(model: tf.LayersModel, dir: string, metadata: ModelMetadata): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!artifacts.weightSpecs || artifacts.weightData === undefined) {
        throw new ModelFilesError('tfjs produced no weights to save');
      }
      const weights = Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      // Weights first, model.json next, metadata last: a reader that finds metadata.json finds it all.
      await writeAtomically(join(dir, WEIGHTS_FILE), weights);
      await writeAtomically(join(dir, MODEL_JSON_FILE), JSON.stringify(modelJson));
      await writeAtomically(join(dir, MODEL_METADATA_FILE), encodeModelMetadata(metadata));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.byteLength,
        },
      };
    }),
  );
}

/** Load a model folder written by saveModel; throws ModelFilesError naming the missing or bad file. */
export async function loadModel(dir: string): Promise<{ model: tf.LayersModel; metadata: ModelMetadata }> {
  const modelJsonPath = join(dir, MODEL_JSON_FILE);
  const modelJson = parseJson(modelJsonPath, await readRequired(modelJsonPath)) as Partial<tf.io.ModelJSON>;
  if (typeof modelJson !== 'object' || modelJson === null || !modelJson.modelTopology) {
    throw new ModelFilesError(`${modelJsonPath}: not a tfjs model (no modelTopology)`);
  }
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || manifest.some((g) => !Array.isArray(g?.paths) || !Array.isArray(g?.weights))) {
    throw new ModelFilesError(`${modelJsonPath}: weightsManifest is missing or malformed`);
  }
  const weightSpecs = manifest.flatMap((g) => g.weights);
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      if (typeof p !== 'string' || p.includes('..'))
        throw new ModelFilesError(`${modelJsonPath}: bad weights path ${JSON.stringify(p)}`);
      buffers.push(await readRequired(join(dir, p)));
    }
  }
  const weights = Buffer.concat(buffers);
  const expectedBytes = weightSpecs.reduce((sum, s) => sum + weightBytes(s), 0);
  if (weights.byteLength !== expectedBytes) {
    throw new ModelFilesError(
      `${join(dir, WEIGHTS_FILE)}: ${weights.byteLength} bytes, model.json describes ${expectedBytes}`,
    );
  }
  const metadataPath = join(dir, MODEL_METADATA_FILE);
  const metadata = readMetadata(metadataPath, await readRequired(metadataPath));

  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs,
        weightData,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy ?? undefined,
      }),
    );
  } catch (e) {
    throw new ModelFilesError(`${modelJsonPath}: tfjs could not build the model: ${(e as Error).message}`);
  }
  return { model, metadata };
}

async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

async function readRequired(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFilesError(
      code === 'ENOENT' ? `${path}: missing` : `${path}: cannot read (${code ?? (e as Error).message})`,
    );
  }
}

function parseJson(path: string, bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ModelFilesError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function weightBytes(spec: tf.io.WeightsManifestEntry): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const per = BYTES_PER_DTYPE[dtype];
  if (per === undefined) throw new ModelFilesError(`model.json: weight ${spec.name} has unsupported dtype ${dtype}`);
  return spec.shape.reduce((a, b) => a * b, 1) * per;
}

function readMetadata(path: string, bytes: Buffer): ModelMetadata {
  try {
    return parseModelMetadata(bytes.toString('utf8'), path);
  } catch (e) {
    if (e instanceof ModelReportError) throw new ModelFilesError(e.message);
    throw e;
  }
}
