/** Why a digit input was refused; shared by `serve` and the inference API so both answer alike. */
export type DigitInputErrorCode =
  'UNSUPPORTED_MEDIA' | 'UNDECODABLE' | 'EMPTY' | 'TOO_LARGE' | 'BAD_PIXELS' | 'BAD_REQUEST';

export const DIGIT_INPUT_ERROR_STATUS: Readonly<Record<DigitInputErrorCode, 400 | 413 | 415>> = {
  UNSUPPORTED_MEDIA: 415,
  UNDECODABLE: 400,
  EMPTY: 400,
  TOO_LARGE: 413,
  BAD_PIXELS: 400,
  BAD_REQUEST: 400,
};

export class DigitInputError extends Error {
  override name = 'DigitInputError';
  readonly status: 400 | 413 | 415;
  constructor(
    readonly code: DigitInputErrorCode,
    message: string,
  ) {
    super(message);
    this.status = DIGIT_INPUT_ERROR_STATUS[code];
  }

  /** The JSON error body both servers answer with. */
  toJSON(): { error: { code: DigitInputErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
