import { DecodeBudget, DigitInputError, normaliseImage, normalisePixels } from '@digits/normalise';
import type { DigitInput } from './input';

/** A digit as the model will see it: 784 values in 0..1, ink bright on dark. */
export interface NormalisedInput {
  pixels: Float32Array;
  /** For images: the source size and whether dark-on-light ink was inverted. */
  source?: { width: number; height: number; inverted: boolean };
}

/**
 * Every input through packages/model's normaliser (the one `serve` uses too). First every image's
 * header is read and charged to the request's decode budget, so a request over it is refused
 * before any pixel is decoded. In a batch, errors name the item: "instances[3]: ...".
 */
export function normaliseInputs(inputs: DigitInput[], batch: boolean): NormalisedInput[] {
  const budget = new DecodeBudget();
  inputs.forEach((input, i) => {
    if (input.kind === 'image') naming(i, batch, () => budget.admit(input.bytes));
  });
  return inputs.map((input, i) => naming(i, batch, () => normaliseOne(input)));
}

function naming<T>(index: number, batch: boolean, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (batch && e instanceof DigitInputError) throw new DigitInputError(e.code, `instances[${index}]: ${e.message}`);
    throw e;
  }
}

function normaliseOne(input: DigitInput): NormalisedInput {
  if (input.kind === 'image') {
    const { pixels, width, height, inverted } = normaliseImage(input.bytes);
    return { pixels, source: { width, height, inverted } };
  }
  const images = normalisePixels(input.values);
  if (images.length !== 1) {
    throw new DigitInputError(
      'BAD_PIXELS',
      `"pixels" holds ${images.length} images: send one (784 values or 28×28), or a batch as {"instances": [...]}`,
    );
  }
  return { pixels: images[0]! };
}
