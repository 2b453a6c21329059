import { CORRUPTIONS, SIDE } from '../../src/robust/corruptions';
import { scoreRobustness, type RobustnessPath } from '../../src/robust/score';

/** A path whose "model" answers the label it is told for each image it was given, except under `fail`. */
function path(answers: Map<Float32Array, number>, fail: string, current: { name: string }): RobustnessPath {
  let next = 0;
  const order = [...answers.values()];
  return {
    encode: (image) => Uint8Array.from(image.pixels.slice(0, 4), (v) => v * 255),
    normalise: () => new Float32Array(SIDE * SIDE),
    predict: (batch) => batch.map(() => (current.name === fail ? -1 : order[next++ % order.length]!)),
  };
}

describe('scoreRobustness', () => {
  it('scores each corruption, the mean without the clean row, and names the worst', async () => {
    const images = Array.from({ length: 5 }, () => new Float32Array(SIDE * SIDE).fill(0.5));
    const labels = [1, 2, 3, 4, 5];
    const current = { name: 'clean' };
    const answers = new Map(images.map((img, i) => [img, labels[i]!]));
    const seen: string[] = [];
    const scores = await scoreRobustness(images, labels, path(answers, 'blur', current), {
      onScore: (name) => {
        seen.push(name);
        const next = CORRUPTIONS[seen.length - 1];
        if (next) current.name = next.name;
      },
    });
    expect(seen).toEqual(['clean', ...CORRUPTIONS.map((c) => c.name)]);
    expect(scores.clean).toBe(1);
    expect(scores.corruptions.blur).toBe(0);
    expect(scores.worst).toEqual({ name: 'blur', accuracy: 0 });
    expect(scores.mean).toBeCloseTo((CORRUPTIONS.length - 1) / CORRUPTIONS.length, 6);
  });

  it('refuses images that are not 28×28', async () => {
    await expect(scoreRobustness([new Float32Array(10)], [1], path(new Map(), '', { name: '' }))).rejects.toThrow(
      /28×28/,
    );
  });
});
