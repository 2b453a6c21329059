/** Input limits, checked before any large allocation. */

/** Largest request body accepted (SageMaker's own real-time payload limit is 6 MB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Largest image width or height, read from the PNG/JPEG header before decoding. */
export const MAX_IMAGE_SIDE = 4096;
/** Largest image area (16 megapixels ≈ 64 MB of decoded RGBA). */
export const MAX_IMAGE_PIXELS = 16_000_000;

/** MNIST preparation: the digit's longer side is scaled to this, then centred by mass in 28×28. */
export const DIGIT_BOX = 20;
/** Ink-minus-background contrast (0..1) below which an image counts as blank. */
export const MIN_INK_CONTRAST = 0.1;
/** Fraction of the contrast treated as background noise (JPEG ringing, paper texture). */
export const INK_FLOOR = 0.05;
