/**
 * The SageMaker API's shapes as they travel in AWS JSON 1.1: the SDK's own model types with every
 * timestamp as epoch seconds (a number), so the stand-in's answers use exactly the SDK's field names.
 */
export type Wire<T> = T extends Date
  ? number
  : T extends ReadonlyArray<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** Epoch seconds with millisecond precision, as AWS sends them (e.g. 1529870369.986). */
export function epochSeconds(ms: number = Date.now()): number {
  return Math.round(ms) / 1000;
}

/** EventBridge details carry SageMaker timestamps as epoch milliseconds. */
export function secondsToMillis(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

export const DEFAULT_REGION = 'us-east-1';
/** The account id AWS's own examples and local tools (moto, LocalStack) use. */
export const ACCOUNT_ID = '000000000000';

export type ResourceType = 'training-job' | 'model' | 'endpoint-config' | 'endpoint';

/** SageMaker lowercases resource names in ARNs. */
export function sageMakerArn(region: string, type: ResourceType, name: string): string {
  return `arn:aws:sagemaker:${region}:${ACCOUNT_ID}:${type}/${name.toLowerCase()}`;
}
