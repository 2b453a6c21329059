import { envReader } from '../src';

describe('envReader', () => {
  it('reads what is set and names a missing variable', () => {
    const read = envReader({ RAW_BUCKET: 'digits-dev-raw', LOG_LEVEL: 'warn' });
    expect(read.string('RAW_BUCKET')).toBe('digits-dev-raw');
    expect(read.logLevel()).toBe('warn');
    expect(() => read.string('PROCESSED_BUCKET')).toThrow('environment variable PROCESSED_BUCKET is not set');
  });

  it('holds no defaults: an empty value is a missing one', () => {
    expect(() => envReader({ LOG_LEVEL: '' }).logLevel()).toThrow('environment variable LOG_LEVEL is not set');
  });

  it('checks numbers against their range and kind', () => {
    const read = envReader({ A: '10', B: '1.5', C: 'x', D: '0.25' });
    expect(read.number('A', { min: 1, max: 10 })).toBe(10);
    expect(() => read.number('A', { min: 1, max: 9 })).toThrow('A must be an integer from 1 to 9, got "10"');
    expect(() => read.number('B', { min: 0, max: 9 })).toThrow('B must be an integer');
    expect(() => read.number('C', { min: 0, max: 9 })).toThrow('got "x"');
    expect(read.number('D', { min: 0, max: 1, integer: false })).toBe(0.25);
  });

  it('checks a choice and JSON', () => {
    const read = envReader({ LOG_LEVEL: 'verbose', MODE: 'instance', J: '{"a":1}', K: '{a:1}' });
    expect(() => read.logLevel()).toThrow('LOG_LEVEL must be one of debug, info, warn, error, got "verbose"');
    expect(read.oneOf('MODE', ['serverless', 'instance'])).toBe('instance');
    expect(read.json('J')).toEqual({ a: 1 });
    expect(() => read.json('K')).toThrow('environment variable K is not valid JSON');
  });
});
