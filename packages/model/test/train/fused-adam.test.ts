import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { FusedAdam } from '../../src/train/fused-adam';
import { maxRelativeError, seeded, useWasmAndCpu } from '../kernels/against-cpu';

/**
 * FusedAdam against tfjs's own Adam on the cpu backend (the reference): the same weights, the same
 * loss, several steps with the learning rate changed between steps as the trainer's schedule does.
 */
const SHAPES = [[5, 5, 1, 16], [16], [256, 64], [64, 10], [10]];

/** `steps` steps of `optimizer` on a loss over variables of SHAPES; the final weights. */
function train(backend: string, makeOptimizer: (rate: number) => tf.Optimizer, steps: number): Float32Array[] {
  tf.setBackend(backend);
  const variables = SHAPES.map((shape, i) => tf.variable(tf.tensor(seeded(shape, i + 1), shape)));
  const targets = SHAPES.map((shape, i) => tf.tensor(seeded(shape, i + 100), shape));
  const optimizer = makeOptimizer(0.01);
  for (let step = 0; step < steps; step++) {
    (optimizer as unknown as { learningRate: number }).learningRate = 0.01 / (1 + step);
    tf.tidy(() => {
      optimizer.minimize(
        () =>
          tf.addN(
            variables.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, targets[i]!)), tf.sin(v).add(1.5)))),
          ) as tf.Scalar,
        false,
        variables,
      );
    });
  }
  const weights = variables.map((v) => v.dataSync() as Float32Array);
  tf.dispose([...variables, ...targets]);
  optimizer.dispose();
  return weights;
}

describe('FusedAdam', () => {
  beforeAll(async () => {
    await useWasmAndCpu();
  });

  it.each(['cpu', 'wasm'])('on %s matches tf.train.adam on cpu within 2e-4 after 20 steps', (backend) => {
    const reference = train('cpu', (rate) => tf.train.adam(rate), 20);
    const fused = train(backend, (rate) => new FusedAdam(rate), 20);
    const errors = reference.map((w, i) => maxRelativeError(w, fused[i]!));
    expect(Math.max(...errors)).toBeLessThan(2e-4);
    // The weights moved: a no-op optimiser would fail above only if the start equalled the end.
    expect(maxRelativeError(reference[2]!, seeded(SHAPES[2]!, 3))).toBeGreaterThan(1e-3);
  });

  it('keeps the moments per variable: a variable with no gradient this step is left as it is', () => {
    tf.setBackend('cpu');
    const a = tf.variable(tf.tensor([1, 2, 3]));
    const b = tf.variable(tf.tensor([4, 5]));
    const optimizer = new FusedAdam(0.1);
    optimizer.applyGradients({ [a.name]: tf.tensor([1, -1, 0]) });
    expect(Array.from(b.dataSync())).toEqual([4, 5]);
    // The first Adam step moves each weight by the rate against its gradient's sign (0 stays).
    expect(Array.from(a.dataSync()).map((x) => Number(x.toFixed(5)))).toEqual([0.9, 2.1, 3]);
    tf.dispose([a, b]);
  });
});
