import { parseStartOptions, UsageError, DEFAULT_PORTS } from '../../src/cli/options';

describe('pnpm start options', () => {
  it('defaults to the documented ports and the repo .local folder', () => {
    expect(parseStartOptions([], '/repo')).toEqual({
      quick: false,
      fresh: false,
      verbose: false,
      port: DEFAULT_PORTS.api,
      s3Port: DEFAULT_PORTS.s3,
      sageMakerPort: DEFAULT_PORTS.sageMaker,
      dataDir: '/repo/.local',
    });
  });

  it('takes --quick, --fresh, --port', () => {
    expect(parseStartOptions(['--quick', '--fresh', '--port', '8080'], '/r')).toMatchObject({
      quick: true,
      fresh: true,
      port: 8080,
    });
  });

  it('names a bad option or value', () => {
    expect(() => parseStartOptions(['--port', 'x'], '/r')).toThrow(/--port must be a port number/);
    expect(() => parseStartOptions(['--bogus'], '/r')).toThrow(UsageError);
  });
});
