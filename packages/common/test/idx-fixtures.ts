/** Small well-formed IDX files for the parser tests. */
export function idxImages(
  count: number,
  pixel: (image: number, offset: number) => number = (i, o) => (i * 31 + o) % 256,
): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  const data = Buffer.alloc(count * 784);
  for (let i = 0; i < count; i++) for (let o = 0; o < 784; o++) data[i * 784 + o] = pixel(i, o);
  return Buffer.concat([header, data]);
}

export function idxLabels(labels: number[]): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(0x00000801, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

/** Feed `bytes` to an async consumer in chunks of the given sizes (cycled). */
export async function* chunked(bytes: Uint8Array, sizes: number[] = [7]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}
