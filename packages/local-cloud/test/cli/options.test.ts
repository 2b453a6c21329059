import { optionConfigEnv, parseStartOptions, startCommand, UsageError, DEFAULT_PORTS } from '../../src/cli/options';

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

  it('writes the command that reruns with the same settings (for the fix a stuck start prints)', () => {
    expect(startCommand(parseStartOptions(['--quick'], '/r'), '/r', { fresh: true })).toBe(
      'pnpm start --quick --fresh',
    );
    expect(startCommand(parseStartOptions(['--quick'], '/r'), '/r', { fresh: true, quick: false })).toBe(
      'pnpm start --fresh',
    );
    const custom = parseStartOptions(['--data-dir', '/tmp/my data', '--port', '3100', '--verbose'], '/r');
    expect(startCommand(custom, '/r', { fresh: true })).toBe(
      "pnpm start --fresh --port 3100 --data-dir '/tmp/my data' --verbose",
    );
  });

  it('--feedback-min N sets the retraining threshold the functions read (FEEDBACK_MIN_CORRECTIONS), and reruns with it', () => {
    const options = parseStartOptions(['--quick', '--feedback-min', '20'], '/r');
    expect(options.feedbackMin).toBe(20);
    expect(optionConfigEnv(options)).toEqual({ FEEDBACK_MIN_CORRECTIONS: '20' });
    expect(optionConfigEnv(parseStartOptions([], '/r'))).toEqual({});
    expect(startCommand(options, '/r', { fresh: true })).toBe('pnpm start --quick --fresh --feedback-min 20');
    for (const bad of ['0', '2.5', 'ten', '-3'])
      expect(() => parseStartOptions([`--feedback-min=${bad}`], '/r')).toThrow(/--feedback-min must be a whole number/);
  });
});
