import { PIXELS } from '@digits/common';
import { countLines, parseCsvInto, type LabelledImages } from '../../src/train/csv';

const row = (
  label: string | number,
  pixels: Array<string | number> = Array.from({ length: PIXELS }, (_, i) => i % 256),
) => `${label},${pixels.join(',')}`;
const target = (rows: number): LabelledImages => ({
  pixels: new Uint8Array(rows * PIXELS),
  labels: new Uint8Array(rows),
  rows: 0,
});
const parse = (text: string, rows = 4) => parseCsvInto(Buffer.from(text), 'train/a.csv', target(rows), 0);

describe('parseCsvInto (label + 784 pixels a row, no header)', () => {
  it('reads labels and pixels, with LF or CRLF line ends and with or without a final newline', () => {
    // Prepare
    const into = target(3);
    const text = `${row(7)}\r\n${row(0, Array(PIXELS).fill(255))}\n${row(9, Array(PIXELS).fill(0))}`;

    // Act
    const rows = parseCsvInto(Buffer.from(text), 'a.csv', into, 0);

    // Assess
    expect(rows).toBe(3);
    expect([...into.labels]).toEqual([7, 0, 9]);
    expect(into.pixels[0]).toBe(0);
    expect(into.pixels[300]).toBe(300 % 256);
    expect(into.pixels.subarray(PIXELS, 2 * PIXELS).every((v) => v === 255)).toBe(true);
    expect(parse(`${row(1)}\n`)).toBe(1);
    expect(countLines(Buffer.from(text))).toBe(3);
  });

  it('stops at maxRows and writes at the given row offset', () => {
    const into = target(3);
    expect(parseCsvInto(Buffer.from(`${row(1)}\n${row(2)}\n${row(3)}\n`), 'a.csv', into, 1, 2)).toBe(2);
    expect([...into.labels]).toEqual([0, 1, 2]);
  });

  it.each([
    [
      'a header line',
      `label,${Array.from({ length: PIXELS }, (_, i) => `p${i}`).join(',')}\n${row(1)}`,
      'train/a.csv:1: column 1',
    ],
    ['a label above 9', row(10), 'train/a.csv:1: column 1: label 10 is not a digit 0–9'],
    [
      'a pixel above 255',
      `${row(1)}\n${row(2, [...Array(PIXELS - 1).fill(0), 256])}`,
      'train/a.csv:2: column 785: pixel value 256 is above 255',
    ],
    ['a short row', `${row(1)}\n${row(2, Array(PIXELS - 1).fill(0))}\n`, 'train/a.csv:2: 784 columns, expected 785'],
    ['a long row', `${row(1, [...Array(PIXELS).fill(0), 5])}`, 'train/a.csv:1: more than 785 columns'],
    ['a negative value', row(1, [-1, ...Array(PIXELS - 1).fill(0)]), 'train/a.csv:1: column 2: character "-"'],
    ['a decimal value', row(1, ['0.5', ...Array(PIXELS - 1).fill(0)]), 'train/a.csv:1: 2 columns'],
    ['an empty field', row(1, ['', ...Array(PIXELS - 1).fill(0)]), 'train/a.csv:1: column 2'],
    ['a blank line inside', `${row(1)}\n\n${row(2)}`, 'train/a.csv:2: empty line'],
    ['a truncated last row', `${row(1)}\n3,0,0`, 'train/a.csv:2: 3 columns, expected 785'],
  ])('rejects %s, naming file and line', (_what, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
