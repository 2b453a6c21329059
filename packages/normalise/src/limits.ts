/** Input limits, checked before any large allocation. */

/** Largest request body accepted (SageMaker's own real-time payload limit is 6 MB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Largest image width or height, read from the PNG/JPEG header before decoding. */
export const MAX_IMAGE_SIDE = 4096;
/** Largest image area (16 megapixels ≈ 64 MB of decoded RGBA). */
export const MAX_IMAGE_PIXELS = 16_000_000;
/**
 * Decode work a pixel costs, by how the image is stored, in units of one 8-bit PNG pixel: jpeg-js
 * and pngjs's 16-bit path were measured 3–6× slower a pixel than an 8-bit PNG here, jpeg-js on a
 * progressive JPEG ~15× (bench:fuzz found two progressive 2000×2000 JPEGs outlasting the 15 s
 * Lambda timeout at weight 4).
 */
export const PIXEL_DECODE_COST = { png: 1, png16: 4, jpeg: 4, progressiveJpeg: 16 } as const;
/**
 * Decode work one request may ask for, summed over all its images from their headers before any
 * of them is decoded: 96 million units, a full batch of 256 images of 280×280 in the slowest
 * format (JPEG: 80.3 M) with 20% to spare — or 96 MP of 8-bit PNG, 24 MP of JPEG. No request
 * costs more CPU than that batch, however well its bytes compress (an 8-bit PNG pixel took
 * 0.15–0.3 µs to decode and normalise on the loaded 2-core machine of the measurements).
 */
export const MAX_REQUEST_DECODE_COST = 96_000_000;

/** MNIST preparation: the digit's longer side is scaled to this, then centred by mass in 28×28. */
export const DIGIT_BOX = 20;
/** Ink-minus-background contrast (0..1) below which an image counts as blank. */
export const MIN_INK_CONTRAST = 0.1;
/** Fraction of the contrast treated as background noise (JPEG ringing, paper texture). */
export const INK_FLOOR = 0.05;
