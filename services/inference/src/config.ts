import { ENV, requireEnv } from '@digits/common';

/**
 * Settings of the inference API, read once per cold start. ENDPOINT_NAME and ARTIFACTS_BUCKET are
 * the shared names (packages/common); the CORS origin list is this service's own setting.
 */
export const CORS_ORIGINS_ENV = 'CORS_ORIGINS';

export interface InferenceConfig {
  endpointName: string;
  artifactsBucket: string;
  /** Origins the browser page may call from; '*' (the default) allows any. */
  corsOrigins: string[];
}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): InferenceConfig {
  return {
    endpointName: requireEnv(ENV.endpointName, env),
    artifactsBucket: requireEnv(ENV.artifactsBucket, env),
    corsOrigins: parseOrigins(env[CORS_ORIGINS_ENV]),
  };
}

export function parseOrigins(raw: string | undefined): string[] {
  const origins = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return origins.length > 0 ? origins : ['*'];
}
