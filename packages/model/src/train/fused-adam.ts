/**
 * Adam computed as tf.train.adam computes it, but in one pass over each variable instead of ~20
 * kernels per variable per step (~150 elementwise calls a step on the wasm backend). Measured in
 * the same runs of `pnpm bench:train-kernels`: 2.6–5.7 % more images/s than tfjs's Adam. Every
 * operation is rounded to float32 in tfjs's order (Math.fround), so the weights match tfjs's Adam
 * to float32 rounding, not just roughly.
 */
import * as tf from '@tensorflow/tfjs';

const f = Math.fround;

export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    return 'FusedAdam';
  }

  private readonly firstMoments = new Map<string, Float32Array>();
  private readonly secondMoments = new Map<string, Float32Array>();
  /** β₁ᵗ and β₂ᵗ, accumulated in float32 as tfjs accumulates them. */
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    /** Read at every step: the trainer's schedule sets it before each one. */
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = tf.backend().epsilon(),
  ) {
    super();
    this.accBeta1 = f(beta1);
    this.accBeta2 = f(beta2);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    const named = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const b1 = f(this.beta1);
    const b2 = f(this.beta2);
    const c1 = f(1 - this.beta1);
    const c2 = f(1 - this.beta2);
    const a1 = f(1 - this.accBeta1);
    const a2 = f(1 - this.accBeta2);
    const eps = f(this.epsilon);
    const rate = f(-this.learningRate);
    for (const { name, tensor } of named) {
      const variable = tf.engine().registeredVariables[name];
      if (!variable || !tensor) continue;
      const gradient = tensor.dataSync() as Float32Array;
      const weights = variable.dataSync() as Float32Array;
      const m = this.moment(this.firstMoments, name, gradient.length);
      const v = this.moment(this.secondMoments, name, gradient.length);
      const updated = new Float32Array(weights.length);
      for (let i = 0; i < gradient.length; i++) {
        const g = gradient[i]!;
        const mi = f(f(m[i]! * b1) + f(g * c1));
        const vi = f(f(v[i]! * b2) + f(f(g * g) * c2));
        m[i] = mi;
        v[i] = vi;
        const step = f(f(mi / a1) / f(f(Math.sqrt(f(vi / a2))) + eps));
        updated[i] = f(step * rate) + weights[i]!;
      }
      variable.assign(tf.tensor(updated, variable.shape, 'float32'));
    }
    this.accBeta1 = f(this.accBeta1 * b1);
    this.accBeta2 = f(this.accBeta2 * b2);
    this.incrementIterations();
  }

  private moment(moments: Map<string, Float32Array>, name: string, size: number): Float32Array {
    let moment = moments.get(name);
    if (!moment) moments.set(name, (moment = new Float32Array(size)));
    return moment;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
