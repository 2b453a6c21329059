/**
 * What tests and benchmarks share. A devDependency only: nothing deployed imports it. The local
 * stand-ins (s3rver, MNIST seeding, the runner's S3 event shape, env pointing the SDK at them) live
 * in @digits/local-cloud, which `pnpm start` runs; tests reach them through here.
 */
export {
  canvasPng,
  gzippedMnistFiles,
  PAGE_CANVAS_SIDE,
  samplePageDrawings,
  sampleTestDigits,
  strokeCoverage,
  strokesOf,
  type PageDrawing,
  type Point,
  localAwsEnv,
  mnistDataDir,
  postWhileWriting,
  readMnistIdx,
  readMnistSplit,
  type MnistSplit,
  seedPublicDataset,
  setProcessEnv,
  startLocalS3,
  useLocalAwsEnv,
  type LocalS3,
} from '@digits/local-cloud';
export * from './eventbridge-events';
export * from './http-api-events';
export * from './idx-files';
export * from './mnist-samples';
export * from './moto-server';
export * from './s3-events';
