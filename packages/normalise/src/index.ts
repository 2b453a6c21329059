/**
 * Input normalisation shared by `serve` and the inference Lambda (bundled with esbuild: keep
 * this folder free of tfjs and heavy imports).
 */
export * from './errors';
export * from './limits';
export {
  DecodeBudget,
  detectFormat,
  decodeGrey,
  readDimensions,
  readImageHeader,
  type ImageFormat,
  type ImageHeader,
} from './decode';
export type { GreyImage } from './grey-image';
export { centreDigit, normaliseImage, type NormalisedDigit } from './digit';
export { normalisePixels, normaliseJsonBody, parseCsvPixels, type PixelOptions, type PixelScale } from './pixels';
export { encodePng } from './png';
