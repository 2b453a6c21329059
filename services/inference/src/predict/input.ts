/** One digit to classify, as the client sent it, before normalisation. */
export type DigitInput =
  | { kind: 'image'; bytes: Uint8Array }
  /** 784 values or 28 rows of 28, on a 0..1 or 0..255 scale (checked by the normaliser). */
  | { kind: 'pixels'; values: unknown };

/** A parsed `POST /predict`: one input, or a batch (answered as `{"predictions": [...]}`). */
export interface PredictRequest {
  inputs: DigitInput[];
  batch: boolean;
  /** `?debug=1`: also answer with the normalised 28×28 input as a PNG data URL. */
  debug: boolean;
}
