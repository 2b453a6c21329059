/**
 * Test-time augmentation inside the saved model: the classifier reads the image as it is and
 * shifted by a pixel in a few directions, and the model answers the mean of those softmaxes.
 * Built from tfjs's own layers (zero padding, then cropping, per shifted view; the classifier
 * applied to each view with shared weights; an average), so `serve`, the gate and any tfjs loader
 * read it as one Layers model, and its weights are the classifier's own, in the same order
 * (membersOf, widthOf and a corrections job's weight copy see through it).
 */
import * as tf from '@tensorflow/tfjs';
import { INPUT_SHAPE } from './model';

/** A view's shift in pixels: ink moves `dx` right and `dy` down (vacated pixels are background, 0). */
export type Shift = readonly [dx: number, dy: number];

const CROSS = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
] as const;
const DIAGONAL = [
  [1, 1],
  [-1, -1],
  [1, -1],
  [-1, 1],
] as const;

/** The named view sets the `test_time_shifts` hyperparameter chooses from (beside the plain view). */
export const SHIFT_SETS = {
  none: [],
  horizontal: [
    [1, 0],
    [-1, 0],
  ],
  cross: CROSS,
  diagonal: DIAGONAL,
  square: [...CROSS, ...DIAGONAL],
} as const satisfies Record<string, readonly Shift[]>;
export type ShiftSet = keyof typeof SHIFT_SETS;
export const isShiftSet = (name: string): name is ShiftSet => Object.hasOwn(SHIFT_SETS, name);

const MAX_SHIFT = 4;

/**
 * `model` answering the mean of its softmaxes over the plain image and each shifted view (no
 * shifts: `model` itself). The result shares `model`'s weights: dispose one, not both.
 */
export function withShiftViews(model: tf.LayersModel, shifts: readonly Shift[]): tf.LayersModel {
  if (shifts.length === 0) return model;
  for (const [dx, dy] of shifts)
    if (![dx, dy].every((d) => Number.isInteger(d) && Math.abs(d) <= MAX_SHIFT) || (dx === 0 && dy === 0))
      throw new RangeError(`a shift is whole pixels up to ${MAX_SHIFT}, not both 0, got [${dx}, ${dy}]`);
  const image = tf.input({ shape: INPUT_SHAPE, name: 'image' });
  const views = [image, ...shifts.map((shift, i) => shifted(image, shift, i + 1))];
  const answers = views.map((view) => model.apply(view) as tf.SymbolicTensor);
  const mean = tf.layers.average({ name: 'view_mean' }).apply(answers) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: mean, name: 'digits_shift_views' });
}

/** Pad the side the ink moves away from, crop the side it moves towards: the frame keeps its size. */
function shifted(image: tf.SymbolicTensor, [dx, dy]: Shift, i: number): tf.SymbolicTensor {
  const before = (d: number) => Math.max(d, 0);
  const after = (d: number) => Math.max(-d, 0);
  const padded = tf.layers
    .zeroPadding2d({
      padding: [
        [before(dy), after(dy)],
        [before(dx), after(dx)],
      ],
      name: `view${i}_pad`,
    })
    .apply(image) as tf.SymbolicTensor;
  return tf.layers
    .cropping2D({
      cropping: [
        [after(dy), before(dy)],
        [after(dx), before(dx)],
      ],
      name: `view${i}_crop`,
    })
    .apply(padded) as tf.SymbolicTensor;
}
