import { parseOrigins, readConfig } from '../src/config';

describe('readConfig', () => {
  const env = {
    ENDPOINT_NAME: 'e',
    ARTIFACTS_BUCKET: 'b',
    CORS_ORIGINS: 'https://a.example, https://b.example',
    LOG_LEVEL: 'warn',
    MONITORING_BUCKET: 'm',
    DIGITS_CAPTURE_RATE: '0.05',
    DIGITS_CAPTURE_BATCH: '25',
    DIGITS_CAPTURE_FLUSH_SECONDS: '60',
    INBOX_BUCKET: 'i',
    FEEDBACK_MIN_CORRECTIONS: '100',
    FEEDBACK_SCHEDULE: 'rate(1 day)',
  };

  it('reads the endpoint, bucket, CORS origins, log level, monitoring bucket, capture rate and the corrections settings', () => {
    expect(readConfig(env)).toEqual({
      endpointName: 'e',
      artifactsBucket: 'b',
      corsOrigins: ['https://a.example', 'https://b.example'],
      logLevel: 'warn',
      monitoring: { bucket: 'm', captureRate: 0.05, captureBatch: 25, captureFlushSeconds: 60 },
      feedback: { inboxBucket: 'i', minCorrections: 100, schedule: 'rate(1 day)' },
    });
  });

  it.each(['-0.1', '1.5', 'often'])('refuses DIGITS_CAPTURE_RATE=%s (a share from 0 to 1)', (rate) => {
    expect(() => readConfig({ ...env, DIGITS_CAPTURE_RATE: rate })).toThrow(
      `environment variable DIGITS_CAPTURE_RATE must be a number from 0 to 1, got "${rate}"`,
    );
  });

  it.each([
    ['DIGITS_CAPTURE_BATCH', '0', 'an integer from 1 to 1000'],
    ['DIGITS_CAPTURE_FLUSH_SECONDS', '3601', 'an integer from 0 to 3600'],
    ['FEEDBACK_MIN_CORRECTIONS', '0', 'an integer from 1 to 1000000'],
    ['FEEDBACK_MIN_CORRECTIONS', '2.5', 'an integer from 1 to 1000000'],
  ])('refuses %s=%s', (name, value, rule) => {
    expect(() => readConfig({ ...env, [name]: value })).toThrow(
      `environment variable ${name} must be ${rule}, got "${value}"`,
    );
  });

  it('holds no defaults: serverless.yml sets every variable', () => {
    expect(() => readConfig({ ENDPOINT_NAME: 'e', ARTIFACTS_BUCKET: 'b', LOG_LEVEL: 'info' })).toThrow(
      'environment variable CORS_ORIGINS is not set',
    );
  });

  it("reads '*' as any origin", () => {
    expect(parseOrigins('*')).toEqual(['*']);
    expect(parseOrigins(' https://a.example ,, ')).toEqual(['https://a.example']);
  });
});
