import { parseImportInput } from '../src/import-input';

const defaults = { bucket: 'sagemaker-sample-files', prefix: 'datasets/image/MNIST/' };

describe('parseImportInput', () => {
  it('uses the configured source when invoked without input', () => {
    expect(parseImportInput(undefined, defaults)).toEqual(defaults);
    expect(parseImportInput(null, defaults)).toEqual(defaults);
    expect(parseImportInput({}, defaults)).toEqual(defaults);
  });

  it('overrides bucket and prefix; a prefix without a trailing slash names the same folder', () => {
    expect(parseImportInput({ bucket: 'my-mirror', prefix: 'mnist' }, defaults)).toEqual({
      bucket: 'my-mirror',
      prefix: 'mnist/',
    });
    expect(parseImportInput({ prefix: '' }, defaults)).toEqual({ bucket: defaults.bucket, prefix: '' });
  });

  it.each([
    ['a string', 'mnist', /input must be an object/],
    ['an array', ['b'], /input must be an object/],
    ['a typo', { prefx: 'x/' }, /unknown input field\(s\) "prefx"/],
    ['a non-string bucket', { bucket: 42 }, /"bucket" must be an S3 bucket name .* got number/],
    ['an invalid bucket name', { bucket: 'My_Bucket' }, /"bucket" must be an S3 bucket name .* got "My_Bucket"/],
    ['a non-string prefix', { prefix: ['a'] }, /"prefix" must be a key prefix string/],
    ['an absolute prefix', { prefix: '/datasets/' }, /no leading '\/'/],
  ])('refuses %s with a clear error', (_what, input, message) => {
    expect(() => parseImportInput(input, defaults)).toThrow(message);
  });
});
