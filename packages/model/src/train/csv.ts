/**
 * Parser for the SageMaker built-in CSV convention (CSV_FORMAT): per line a label 0–9 then
 * 784 pixel values 0–255, no header. Works on the raw bytes (no string splitting): the full
 * MNIST training set is ~110 MB of text.
 */
import { CSV_FORMAT, NUM_CLASSES, PIXELS } from '@digits/common';
import { TrainingInputError } from './errors';

export interface LabelledImages {
  /** rows × 784 pixel bytes, row-major 28×28, 0–255. */
  pixels: Uint8Array;
  labels: Uint8Array;
  rows: number;
}

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Parse up to `maxRows` rows of `bytes` (the contents of `file`) into `into` starting at row
 * `offset`. Returns the number of rows parsed. Throws TrainingInputError naming file:line.
 */
export function parseCsvInto(
  bytes: Uint8Array,
  file: string,
  into: LabelledImages,
  offset: number,
  maxRows = Infinity,
): number {
  const fields = CSV_FORMAT.columns;
  const { pixels, labels } = into;
  const n = bytes.length;
  let pos = 0;
  let line = 0;
  let rows = 0;
  const fail = (what: string): never => {
    throw new TrainingInputError(`${file}:${line}: ${what}`);
  };
  while (pos < n && rows < maxRows) {
    line++;
    // A blank last line (file ends with a newline) is normal; any other blank line is not.
    if (bytes[pos] === LF || (bytes[pos] === CR && bytes[pos + 1] === LF)) {
      const next = pos + (bytes[pos] === CR ? 2 : 1);
      if (next >= n) break;
      fail('empty line');
    }
    const row = offset + rows;
    if (row >= labels.length) fail('more rows than counted (internal error)');
    let base = row * PIXELS;
    for (let field = 0; field < fields; field++) {
      let value = 0;
      let digits = 0;
      let c = bytes[pos]!;
      while (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        digits++;
        c = bytes[++pos]!;
      }
      if (digits === 0 || digits > 3) {
        fail(
          `column ${field + 1}: ${digits === 0 ? describe(bytes, pos) : 'too many digits'}, expected ${field === 0 ? 'a label 0–9' : 'a pixel value 0–255'}`,
        );
      }
      if (field === 0) {
        if (value >= NUM_CLASSES) fail(`column 1: label ${value} is not a digit 0–9`);
        labels[row] = value;
      } else {
        if (value > 255) fail(`column ${field + 1}: pixel value ${value} is above 255`);
        pixels[base++] = value;
      }
      if (field < fields - 1) {
        if (c !== COMMA)
          fail(
            `${field + 1} columns, expected ${fields} (label + ${PIXELS} pixels)${c === undefined || c === LF || c === CR ? '' : `; found ${describe(bytes, pos)}`}`,
          );
        pos++;
      } else if (pos < n) {
        if (c === CR) c = bytes[++pos]!;
        if (pos >= n) break; // "\r" then end of file
        if (c === COMMA) fail(`more than ${fields} columns (label + ${PIXELS} pixels)`);
        if (c !== LF) fail(`unexpected ${describe(bytes, pos)} at the end of the row`);
        pos++;
      }
    }
    rows++;
  }
  return rows;
}

/** Upper bound of the rows in a CSV file (its line count). */
export function countLines(bytes: Uint8Array): number {
  let lines = 0;
  let from = 0;
  for (;;) {
    const i = bytes.indexOf(LF, from);
    if (i < 0) break;
    lines++;
    from = i + 1;
  }
  return from < bytes.length ? lines + 1 : lines;
}

function describe(bytes: Uint8Array, pos: number): string {
  if (pos >= bytes.length) return 'end of file';
  const c = bytes[pos]!;
  if (c === LF || c === CR) return 'end of line';
  return `character ${JSON.stringify(String.fromCharCode(c))}`;
}
