import { parseOrigins, readConfig } from '../src/config';

describe('readConfig', () => {
  it('reads the endpoint, bucket, CORS origins and log level', () => {
    expect(
      readConfig({
        ENDPOINT_NAME: 'e',
        ARTIFACTS_BUCKET: 'b',
        CORS_ORIGINS: 'https://a.example, https://b.example',
        LOG_LEVEL: 'warn',
      }),
    ).toEqual({
      endpointName: 'e',
      artifactsBucket: 'b',
      corsOrigins: ['https://a.example', 'https://b.example'],
      logLevel: 'warn',
    });
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
