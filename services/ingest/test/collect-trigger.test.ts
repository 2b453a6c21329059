import { s3Event } from '@digits/test-kit';
import { CollectInputError, collectTrigger } from '../src/collect-trigger';

describe('collectTrigger', () => {
  it.each([
    [undefined, 'by-hand'],
    [{}, 'by-hand'],
    [s3Event('inbox', ['corrections/pending/x.json']), 'correction'],
    [{ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, 'schedule'],
  ])('%j → %s', (event, trigger) => expect(collectTrigger(event)).toBe(trigger));

  it.each([[{ force: true }], [[1]], ['go']])('refuses %j, saying what it takes', (event) => {
    expect(() => collectTrigger(event)).toThrow(CollectInputError);
    expect(() => collectTrigger(event)).toThrow(/input must be empty/);
  });
});
