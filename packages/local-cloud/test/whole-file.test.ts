import { spawn } from 'node:child_process';
import type * as FsModule from 'node:fs';
import type * as FsPromisesModule from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeJsonWhole, writeJsonWholeSync } from '../src/whole-file';

// The module objects themselves (what the writer calls through), so a spy sees its calls.
const fs = jest.requireActual<typeof FsModule>('node:fs');
const fsp = jest.requireActual<typeof FsPromisesModule>('node:fs/promises');

/** A document big enough that writing it takes many write(2) calls. */
const big = (n: number) => ({ n, rows: Array.from({ length: 20_000 }, (_, i) => ({ i, text: 'x'.repeat(40) })) });

describe('writeJsonWhole / writeJsonWholeSync', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(join(tmpdir(), 'whole-file-'));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['sync', (p: string, v: unknown) => Promise.resolve(writeJsonWholeSync(p, v))],
    ['async', (p: string, v: unknown) => writeJsonWhole(p, v)],
  ])('%s: writes the JSON and leaves no temporary file beside it', async (_, write) => {
    const path = join(dir, 'a.json');
    await write(path, { a: 1 });
    await write(path, { a: 2 });
    expect(JSON.parse(await fsp.readFile(path, 'utf8'))).toEqual({ a: 2 });
    expect(await fsp.readdir(dir)).toEqual(['a.json']);
  });

  it('sync: the data reaches the disk (fsync) before the rename makes it visible', () => {
    const order: string[] = [];
    const [realFsync, realRename] = [fs.fsyncSync, fs.renameSync];
    const fsync = jest.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
      order.push('fsync');
      return realFsync(fd);
    });
    const rename = jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      order.push('rename');
      return realRename(from, to);
    });
    writeJsonWholeSync(join(dir, 'a.json'), { a: 1 });
    expect(fsync).toHaveBeenCalled();
    expect(rename).toHaveBeenCalledTimes(1);
    expect(order.indexOf('fsync')).toBeLessThan(order.indexOf('rename'));
  });

  it('async: the data reaches the disk (fsync) before the rename makes it visible', async () => {
    const order: string[] = [];
    const probe = await fsp.open(join(dir, 'probe'), 'w');
    const handle = Object.getPrototypeOf(probe) as FsPromisesModule.FileHandle;
    await probe.close();
    const sync = handle.sync;
    jest.spyOn(handle, 'sync').mockImplementation(function (this: FsPromisesModule.FileHandle) {
      order.push('fsync');
      return sync.call(this);
    });
    const rename = fsp.rename;
    jest.spyOn(fsp, 'rename').mockImplementation((from, to) => {
      order.push('rename');
      return rename(from, to);
    });
    await writeJsonWhole(join(dir, 'a.json'), { a: 1 });
    expect(order.slice(0, 2)).toEqual(['fsync', 'rename']);
  });

  it.each(['sync', 'async'])(
    '%s: a failed write leaves the previous file whole and no temporary file',
    async (form) => {
      const path = join(dir, 'a.json');
      writeJsonWholeSync(path, { a: 1 });
      const fail = () => {
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      };
      if (form === 'sync') {
        jest.spyOn(fs, 'fsyncSync').mockImplementation(fail);
        expect(() => writeJsonWholeSync(path, big(2))).toThrow('no space left');
      } else {
        const probe = await fsp.open(join(dir, 'probe'), 'w');
        const handle = Object.getPrototypeOf(probe) as FsPromisesModule.FileHandle;
        await probe.close();
        await fsp.rm(join(dir, 'probe'));
        jest.spyOn(handle, 'sync').mockImplementation(() => Promise.reject(fail()));
        await expect(writeJsonWhole(path, big(2))).rejects.toThrow('no space left');
      }
      expect(JSON.parse(await fsp.readFile(path, 'utf8'))).toEqual({ a: 1 });
      expect(await fsp.readdir(dir)).toEqual(['a.json']);
    },
  );

  // The crash itself: a writer killed (SIGKILL) at any moment leaves either no file or a whole one,
  // never half a document, while a reader polling the folder sees only whole documents.
  it.each(['sync', 'async'])(
    '%s: a writer killed mid-write never leaves half a document visible',
    async (form) => {
      const script = join(dir, 'writer.ts');
      await fsp.writeFile(
        script,
        `const { ${form === 'sync' ? 'writeJsonWholeSync: w' : 'writeJsonWhole: w'} } = require(${JSON.stringify(
          join(__dirname, '../src/whole-file.ts'),
        )});
const rows = Array.from({ length: 20000 }, (_, i) => ({ i, text: 'x'.repeat(40) }));
(async () => { for (let n = 0; ; n++) await w(${JSON.stringify(join(dir, 'out'))} + '/doc-' + (n % 3) + '.json', { n, rows }); })();
process.stdout.write('ready\\n');
`,
      );
      await fsp.mkdir(join(dir, 'out'));
      const seen = new Set<string>();
      for (let round = 0; round < 2; round++) {
        const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, script], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        await new Promise((resolve) => child.stdout.once('data', resolve));
        const until = Date.now() + 300 + round * 150;
        while (Date.now() < until) {
          for (const name of await fsp.readdir(join(dir, 'out'))) {
            if (!name.endsWith('.json')) continue;
            const text = await fsp.readFile(join(dir, 'out', name), 'utf8').catch(() => undefined);
            if (text === undefined) continue; // replaced between the listing and the read
            expect(JSON.parse(text).rows).toHaveLength(20_000);
            seen.add(name);
          }
        }
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        for (const name of await fsp.readdir(join(dir, 'out'))) {
          if (name.endsWith('.json'))
            expect(JSON.parse(await fsp.readFile(join(dir, 'out', name), 'utf8')).rows).toHaveLength(20_000);
        }
      }
      expect(seen.size).toBeGreaterThan(0);
    },
    60_000,
  );
});
