/**
 * The `reference` channel: every model is scored on the whole reference set, overall and per
 * class, and the scores name the reference version (metadata.json + a metric line).
 */
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC_DEFINITIONS, REFERENCE_CHANNEL, REFERENCE_MANIFEST_FILE, REFERENCE_METRIC } from '@digits/common';
import { runTraining } from '../../src/train';
import { writeReferenceChannel, writeTrainingFolder } from './sagemaker-folder';

describe('train with a reference channel', () => {
  const roots: string[] = [];
  const newRoot = async () => {
    const root = await mkdtemp(join(tmpdir(), 'train-ref-'));
    roots.push(root);
    return root;
  };
  afterAll(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

  it('scores the model on every reference row, whatever max_test_rows says, and names the version', async () => {
    const root = await newRoot();
    await writeTrainingFolder(root, {
      trainRows: 1000,
      testRows: 300,
      hyperparameters: { epochs: '1', seed: '1', max_test_rows: '100', robustness_images: '20' },
    });
    const manifest = await writeReferenceChannel(root, 1200);
    const lines: string[] = [];

    const result = await runTraining({ mlRoot: root, log: (l) => lines.push(l) });

    const ref = result.metadata.reference!;
    expect(ref.version).toBe(manifest.version);
    expect(ref.rows).toBe(1200);
    expect(result.metadata.testRows).toBe(100);
    expect(ref.perClassAccuracy).toHaveLength(10);
    ref.confusionMatrix.forEach((row, d) => expect(row.reduce((a, b) => a + b, 0)).toBe(manifest.classCounts[d]));
    expect(ref.accuracy).toBeGreaterThan(0.2); // one epoch on 1,000 rows; chance is 0.1
    const saved = JSON.parse(await readFile(join(root, 'model', 'metadata.json'), 'utf8'));
    expect(saved.reference).toEqual(ref);
    // Robustness is scored on the reference set too (the same images for every model of the stage).
    expect(saved.robustness).toMatchObject({ source: `reference ${manifest.version}`, images: 20 });
    const def = METRIC_DEFINITIONS.find((d) => d.Name === REFERENCE_METRIC)!;
    const captured = lines.map((l) => new RegExp(def.Regex).exec(l)?.[1]).filter(Boolean);
    expect(Number(captured.at(-1))).toBeCloseTo(ref.accuracy, 4);
  }, 120_000);

  it('fails naming the channel when its shards come without reference.json', async () => {
    const root = await newRoot();
    await writeTrainingFolder(root, { trainRows: 200, testRows: 50, hyperparameters: { epochs: '1' } });
    await writeReferenceChannel(root, 100);
    await unlink(join(root, 'input', 'data', REFERENCE_CHANNEL, REFERENCE_MANIFEST_FILE));

    await expect(runTraining({ mlRoot: root, log: () => undefined })).rejects.toThrow(
      /channel reference has no reference.json/,
    );
    expect(await readFile(join(root, 'output', 'failure'), 'utf8')).toMatch(/reference\.json/);
  }, 60_000);
});
