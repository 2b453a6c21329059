import { NAME_PATTERN, Validator } from '../../src/sagemaker/validate';

const errorOf = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('Validator (AWS-style ValidationException messages)', () => {
  it('accepts the names SageMaker accepts and refuses the others', () => {
    for (const ok of ['a', 'digits-dev', 'A1--b2', 'x'.repeat(63)]) {
      const v = new Validator();
      v.string('trainingJobName', ok, { required: true, max: 63, pattern: NAME_PATTERN });
      expect(() => v.done()).not.toThrow();
    }
    for (const bad of ['-a', 'a-', 'a_b', 'a.b', 'a b', '']) {
      const v = new Validator();
      v.string('trainingJobName', bad, { required: true, min: 1, max: 63, pattern: NAME_PATTERN });
      expect(() => v.done()).toThrow(/failed to satisfy constraint/);
    }
  });

  it('collects every violation into one message, counting them', () => {
    const v = new Validator();
    v.string('endpointName', undefined, { required: true });
    v.string('endpointConfigName', 'x'.repeat(64), { max: 63 });
    v.number('resourceConfig.instanceCount', -1, { min: 0 });
    const error = errorOf(() => v.done());
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      `3 validation errors detected: Value null at 'endpointName' failed to satisfy constraint: Member must not be null; ` +
        `Value '${'x'.repeat(64)}' at 'endpointConfigName' failed to satisfy constraint: Member must have length less than or equal to 63; ` +
        `Value '-1' at 'resourceConfig.instanceCount' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  });

  it('fails a value of the wrong JSON type at once, as a SerializationException', () => {
    const error = errorOf(() => new Validator().string('trainingJobName', 42));
    expect(error.name).toBe('SerializationException');
    expect(error.message).toContain("'trainingJobName'");
  });

  it('checks enums and string maps', () => {
    const v = new Validator();
    v.string('algorithmSpecification.trainingInputMode', 'Stream', { enum: ['Pipe', 'File', 'FastFile'] });
    v.stringMap(
      'environment',
      { GOOD_NAME: 'x', '1bad': 'y' },
      { max: 100, key: { max: 1024, pattern: '[a-zA-Z_][a-zA-Z0-9_]*' }, value: { max: 1024 } },
    );
    expect(errorOf(() => v.done()).message).toBe(
      "2 validation errors detected: Value 'Stream' at 'algorithmSpecification.trainingInputMode' failed to satisfy constraint: Member must satisfy enum value set: [Pipe, File, FastFile]; " +
        "Value '1bad' at 'environment.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z_][a-zA-Z0-9_]*",
    );
  });
});
