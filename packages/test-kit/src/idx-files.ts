/** Real IDX bytes built in the test: header per the MNIST format, then the items. */
export function idxFile(magic: number, dims: number[], data: Uint8Array = new Uint8Array(0)): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** `count` 28×28 images whose pixels encode their index (so two files with the same count still differ). */
export function idxImages(count: number, { rows = 28, cols = 28, extra = 0, missing = 0 } = {}): Buffer {
  const data = new Uint8Array(count * rows * cols + extra - missing);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + Math.floor(i / (rows * cols))) & 0xff;
  return idxFile(0x00000803, [count, rows, cols], data);
}

export function idxLabels(labels: number[]): Buffer {
  return idxFile(0x00000801, [labels.length], Uint8Array.from(labels));
}
