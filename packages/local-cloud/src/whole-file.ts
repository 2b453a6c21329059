import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A file written whole: to a temporary file beside it, flushed to the disk (fsync), then renamed
 * over the name, and the folder flushed so the rename itself survives a power cut. A reader (or
 * the next start after a crash) sees the old content or the new, never half; what a crash leaves
 * is a `<name>.<pid>-<n>.tmp` that no listing of the real names picks up.
 * Hand-written rather than write-file-atomic: that one installs exit and signal handlers
 * (signal-exit) in a process that handles its own signals, and cannot stage a stream.
 */

let written = 0;
const temporaryName = (path: string) => `${path}.${process.pid}-${++written}.tmp`;

/** Content already flushed to a temporary file: `commit` puts it in place, `discard` drops it. */
export interface StagedFile {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Writes `data` (a stream's chunks included) to a flushed temporary file beside `path`, without
 * touching `path`: the caller decides when it becomes visible. A failed read or write removes it.
 */
export async function stageWhole(
  path: string,
  data: string | Uint8Array | AsyncIterable<Uint8Array>,
): Promise<StagedFile> {
  const tmp = temporaryName(path);
  try {
    const file = await open(tmp, 'w');
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await file.writeFile(data);
      else for await (const chunk of data) await file.write(chunk);
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return {
    commit: async () => {
      try {
        await rename(tmp, path);
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
      await syncFolder(dirname(path));
    },
    discard: () => rm(tmp, { force: true }),
  };
}

export async function writeWhole(path: string, data: string | Uint8Array): Promise<void> {
  await (await stageWhole(path, data)).commit();
}

export function writeJsonWholeSync(path: string, value: unknown, space?: number): void {
  const text = jsonText(value, space);
  const tmp = temporaryName(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  syncFolderSync(dirname(path));
}

export async function writeJsonWhole(path: string, value: unknown, space?: number): Promise<void> {
  await writeWhole(path, jsonText(value, space));
}

function jsonText(value: unknown, space?: number): string {
  return space === undefined ? JSON.stringify(value) : `${JSON.stringify(value, null, space)}\n`;
}

/** The rename is an entry in the folder: flush it too (where the platform allows opening a folder). */
function syncFolderSync(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here (e.g. Windows): the file's own fsync is what matters most.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  try {
    await handle?.sync();
  } catch {
    // as above
  } finally {
    await handle?.close();
  }
}
