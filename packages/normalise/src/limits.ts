/** Input limits, checked before any large allocation. */

/** Largest request body accepted (SageMaker's own real-time payload limit is 6 MB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Largest image width or height, read from the PNG/JPEG header before decoding. */
export const MAX_IMAGE_SIDE = 4096;
/**
 * Largest image area: 8 megapixels (e.g. 2828×2828, 4000×2000). A process's first large decode
 * touches fresh memory (luma, alpha, inflate buffers: ~13 bytes a pixel) and cold code: a
 * 4000×4000 grey PNG took 1.05 s on a cold `/invocations` (0.17 s warm); 8 MP halves the memory.
 */
export const MAX_IMAGE_PIXELS = 8_000_000;
/**
 * Decode work, in units of about 1 ns of CPU on one core of the 2-core machine it was measured on
 * (shared with other jobs, load average 7–10: idle it runs ~2× faster). Measured with
 * `pnpm bench:normalise` and process.cpuUsage on 2000×2000 images, whole normalisation, the
 * costliest content for each layout (every row Paeth-filtered, translucent, noise for JPEG):
 * - PNG (own decoder, zlib + typed arrays), ns a pixel: grey 1–8 bit 7–12, grey 16-bit 11–17,
 *   RGB 8-bit 18, grey+alpha 8-bit 39, RGBA 8-bit 32, RGB/RGBA 16-bit 50, RGBA interlaced 49.
 *   Charged as `pngPixel + pngPixelByte × bytes a pixel takes (at least 1) + pngAlpha` (when the
 *   format can hold transparency: compositing is one more pass), × `pngInterlaced` for Adam7.
 * - JPEG (jpeg-js), a 1 MP photo at quality 85 (163 KB): 102 ns a pixel; 1 MP of noise at
 *   quality 100 (4.1 MB): 333 ns a pixel, so entropy decoding costs ~59 ns a compressed byte on
 *   top of ~92 ns a pixel. Progressive (MozJPEG): 75 ns a pixel for the photo (84 KB), 242 for
 *   noise (857 KB): ~216 ns a byte on top of ~57 a pixel.
 * Rounded up, these charge every layout at or above what it was measured to cost. Checked by
 * bench:normalise's worst admitted requests (load average 10–15, jpeg-js slowing most): a
 * budget-full baseline JPEG took 897 ms of CPU at 100 a pixel and 699 ms at 150 (so now 200),
 * RGBA 16-bit 625 ms and grey 16-bit 434 ms at 7 a byte (so now 8: 589 ms, 351 ms), a
 * progressive JPEG 545–625 ms, 123 page drawings 173 ms, 256 MNIST PNGs 15 ms.
 * JPEG pixels are charged for a cold process (bench:fuzz's slowest answers): jpeg-js allocates a
 * typed array per 8×8 block and converts colour per pixel in float, and its first large decode
 * runs before the JIT and GC have settled. A progressive 2000×2000 one-line JPEG took 1.1–1.7 s
 * cold against 0.25–0.8 s warm (load average 2–4), a 1400×1400 one 0.76–0.86 s cold, 1000×1000
 * 0.27–0.30 s: ~300–400 ns a pixel, so 400 for both kinds (a request's JPEG ≤ ~1.5 MP).
 */
export const DECODE_COST = {
  pngPixel: 10,
  pngPixelByte: 8,
  pngAlpha: 20,
  pngInterlaced: 1.5,
  jpegPixel: 400,
  jpegByte: 60,
  progressiveJpegPixel: 400,
  progressiveJpegByte: 220,
} as const;
/**
 * Decode work one request may ask for, summed over all its images from their headers before any
 * of them is decoded: 600 M units, about 0.6 s of one loaded core (0.3 s idle), so no request
 * answers later than that, however well its bytes compress. What fits: 256 images of 280×280 as
 * 8-bit grey PNG (361 M) or 100 as the page's RGBA canvas PNG (486 M); one 8 MP 8-bit grey, RGB
 * or RGBA PNG (144 M, 272 M, 496 M); a JPEG photo of ~1.4 MP (e.g. 1280×960); 256 MNIST-sized
 * images of any format.
 */
export const MAX_REQUEST_DECODE_COST = 600_000_000;

/** MNIST preparation: the digit's longer side is scaled to this, then centred by mass in 28×28. */
export const DIGIT_BOX = 20;
/** Ink-minus-background contrast (0..1) below which an image counts as blank. */
export const MIN_INK_CONTRAST = 0.1;
/** Fraction of the contrast treated as background noise (JPEG ringing, paper texture). */
export const INK_FLOOR = 0.05;
/**
 * The ink's bounding box reaches at most HALO of its size (or HALO_PX pixels) beyond the box of
 * what is above BOX_FLOOR of the contrast: as far as a clean antialiased edge reaches (MNIST's own
 * uploads: 2.5 %), not a blurred or low-resolution digit's halo (5–15 %), which shrinks the digit.
 */
export const BOX_FLOOR = 0.25;
export const HALO = 0.04;
export const HALO_PX = 2;
/**
 * A box above BOX_FLOOR spanning this much of the frame both ways, with the border crossing the
 * floor GRAIN_RUNS times or more on each side, is a noisy photo's: the frame is resized whole to 28×28.
 */
export const WHOLE_FRAME = 0.9;
export const GRAIN_RUNS = 3;
