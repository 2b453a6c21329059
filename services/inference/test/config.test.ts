import { parseOrigins, readConfig } from '../src/config';

describe('readConfig', () => {
  it('reads the endpoint, bucket and CORS origins', () => {
    expect(
      readConfig({ ENDPOINT_NAME: 'e', ARTIFACTS_BUCKET: 'b', CORS_ORIGINS: 'https://a.example, https://b.example' }),
    ).toEqual({
      endpointName: 'e',
      artifactsBucket: 'b',
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it("allows any origin when none is configured ('*')", () => {
    expect(parseOrigins(undefined)).toEqual(['*']);
    expect(parseOrigins(' , ')).toEqual(['*']);
  });
});
