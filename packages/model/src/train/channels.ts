/**
 * Read a SageMaker input channel (<root>/input/data/<channel>/): every *.csv file below it, in
 * name order (shard-00000.csv, shard-00001.csv, …), other files (e.g. a manifest) ignored.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  CsvShardError,
  PIXELS,
  countCsvLines,
  parseCsvRowsInto,
  type Channel,
  type LabelledImages,
  type INIT_CHANNEL,
  type REFERENCE_CHANNEL,
  type REPLAY_CHANNEL,
} from '@digits/common';
import { TrainingInputError } from './errors';

export interface ChannelData extends LabelledImages {
  files: string[];
}

export type InputChannel = Channel | typeof REFERENCE_CHANNEL | typeof INIT_CHANNEL | typeof REPLAY_CHANNEL;

export function channelDir(mlRoot: string, channel: InputChannel): string {
  return join(mlRoot, 'input', 'data', channel);
}

export async function readChannel(mlRoot: string, channel: InputChannel, maxRows = Infinity): Promise<ChannelData> {
  const dir = channelDir(mlRoot, channel);
  const files = await listCsvFiles(dir, channel);
  // Read every file (bounded by maxRows), count lines to size the arrays once, then parse.
  const contents: Buffer[] = [];
  let capacity = 0;
  for (const file of files) {
    if (capacity >= maxRows) break;
    const bytes = await readFile(file);
    contents.push(bytes);
    capacity += countCsvLines(bytes);
  }
  capacity = Math.min(capacity, maxRows);
  const data: LabelledImages = { pixels: new Uint8Array(capacity * PIXELS), labels: new Uint8Array(capacity), rows: 0 };
  try {
    contents.forEach((bytes, i) => {
      if (data.rows < capacity)
        data.rows += parseCsvRowsInto(bytes, relative(mlRoot, files[i]!), data, data.rows, capacity - data.rows);
    });
  } catch (e) {
    // Bad rows are bad training input: reported as such in output/failure.
    if (e instanceof CsvShardError) throw new TrainingInputError(e.message);
    throw e;
  }
  if (data.rows === 0) throw new TrainingInputError(`channel ${channel}: the CSV files in ${dir} hold no rows`);
  return {
    pixels: data.pixels.subarray(0, data.rows * PIXELS),
    labels: data.labels.subarray(0, data.rows),
    rows: data.rows,
    files: files.slice(0, contents.length).map((f) => relative(dir, f)),
  };
}

async function listCsvFiles(dir: string, channel: InputChannel): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TrainingInputError(
      code === 'ENOENT'
        ? `channel ${channel} is missing: no folder ${dir}`
        : `channel ${channel}: cannot read ${dir} (${code ?? (e as Error).message})`,
    );
  }
  const files = entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
    .map((e) => join(e.parentPath ?? dir, e.name))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (files.length === 0) throw new TrainingInputError(`channel ${channel}: no .csv files in ${dir}`);
  return files;
}
