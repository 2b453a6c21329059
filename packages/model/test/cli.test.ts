import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { mlRootWithModel } from './serve/tiny-model';

const pkg = join(__dirname, '..');
const entrypoint = join(pkg, 'bin', 'entrypoint');
const run = promisify(execFile);

/** Run the entrypoint script as SageMaker's `docker run IMAGE <args>` would, without Docker. */
async function entry(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(entrypoint, args, { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('bin/entrypoint (the container entrypoint, run without Docker)', () => {
  beforeAll(() => {
    execFileSync('pnpm', ['run', '--silent', 'build'], { cwd: pkg, stdio: 'pipe' });
  }, 60_000);

  it.each([[['bogus']], [[]], [['serve', 'extra']]])('exits 2 with the usage for %j', async (args) => {
    const { code, stderr } = await entry(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: entrypoint <command>/);
    expect(stderr).toMatch(/train/);
    expect(stderr).toMatch(/serve/);
  });

  it('serve: answers /ping 200 for the model under $DIGITS_ML_ROOT, and stops on SIGTERM', async () => {
    const root = await mlRootWithModel();
    // LOG_LEVEL=info: the test reads the "listening" and "model loaded" log lines.
    const env = { ...process.env, DIGITS_ML_ROOT: root, SAGEMAKER_BIND_TO_PORT: '0', LOG_LEVEL: 'info' };
    const child = spawn(entrypoint, ['serve'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const guard = setTimeout(() => child.kill('SIGKILL'), 50_000); // never leave a server behind
    try {
      const events = await logEvents(child.stdout!, ['model loaded', 'model failed to load']);
      expect(events['model loaded']).toBeDefined();
      const url = events.listening!.url!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/ping`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(guard);
      child.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('serve: exits 1 when the model folder is missing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cli-empty-'));
    try {
      const { code, stdout } = await entry(['serve'], {
        DIGITS_ML_ROOT: root,
        SAGEMAKER_BIND_TO_PORT: '0',
        LOG_LEVEL: 'info',
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/model failed to load.*model\.json: missing/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('train: with no train channel exits non-zero and writes output/failure naming it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cli-train-'));
    try {
      await mkdir(join(root, 'input', 'config'), { recursive: true });
      await writeFile(join(root, 'input', 'config', 'hyperparameters.json'), JSON.stringify({ epochs: '1' }));
      const { code, stderr } = await entry(['train'], { DIGITS_ML_ROOT: root });
      expect(code).not.toBe(0);
      const failure = await readFile(join(root, 'output', 'failure'), 'utf8');
      expect(failure).toMatch(/channel train is missing/);
      expect(stderr).toMatch(/channel train is missing/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('Dockerfile', () => {
  const image = join(pkg, 'image');
  /** Instructions, one per entry, continuation lines joined and comments dropped. */
  const instructions = async () =>
    (await readFile(join(pkg, 'Dockerfile'), 'utf8'))
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n')
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((l) => l.trim().replace(/\s+/g, ' '))
      .filter(Boolean);
  const modelDeps = async () =>
    JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')).dependencies as Record<string, string>;

  it('starts the entrypoint listening on all interfaces', async () => {
    const lines = await instructions();
    expect(lines).toContain('ENTRYPOINT ["/opt/program/bin/entrypoint"]');
    expect(lines.join('\n')).toMatch(/DIGITS_SERVE_HOST=0\.0\.0\.0/);
    expect(lines).toContain('EXPOSE 8080');
  });

  it('builds from a base image pinned to an exact Node version', async () => {
    const from = (await instructions()).filter((l) => l.startsWith('FROM '));
    expect(from.length).toBeGreaterThan(0);
    for (const line of from)
      expect(line).toMatch(/^FROM node:\d+\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?( AS \w+)?$/);
  });

  it('runs as a non-root user', async () => {
    const users = (await instructions()).filter((l) => l.startsWith('USER '));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER (root|0)(:|$)/);
  });

  it('installs only what the committed lockfile names (npm ci), never a fresh resolution', async () => {
    const lines = await instructions();
    const runs = lines.filter((l) => l.startsWith('RUN ')).join('\n');
    expect(runs).toMatch(/\bnpm ci\b[^\n]*--omit=dev/);
    expect(runs).not.toMatch(/\bnpm (install|i|add)\b/);
    expect(lines).toContain('COPY image/package.json image/package-lock.json ./');
    // The build context sends only what .dockerignore lets through: the lockfile must be among it.
    const ignore = (await readFile(join(pkg, '.dockerignore'), 'utf8')).split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['!image/package.json', '!image/package-lock.json']));
  });

  it("the image's lockfile pins the tfjs versions package.json pins, tfjs-node to match", async () => {
    const deps = await modelDeps();
    const manifest = JSON.parse(await readFile(join(image, 'package.json'), 'utf8'));
    const lock = JSON.parse(await readFile(join(image, 'package-lock.json'), 'utf8'));
    const want = {
      '@tensorflow/tfjs': deps['@tensorflow/tfjs'],
      '@tensorflow/tfjs-backend-wasm': deps['@tensorflow/tfjs-backend-wasm'],
      '@tensorflow/tfjs-node': deps['@tensorflow/tfjs'],
    };
    expect(manifest.dependencies).toEqual(want);
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[''].dependencies).toEqual(want);
    for (const [name, version] of Object.entries(want)) {
      expect(lock.packages[`node_modules/${name}`]).toMatchObject({
        version,
        integrity: expect.stringMatching(/^sha512-/),
      });
    }
  });
});

/** The server's JSON log lines by message, until one of `until` appears or the output ends. */
async function logEvents(stdout: Readable, until: string[]): Promise<Record<string, { url?: string }>> {
  const events: Record<string, { url?: string }> = {};
  for await (const line of createInterface({ input: stdout })) {
    const parsed = safeJson(line);
    if (parsed?.message) events[parsed.message] = parsed;
    if (until.some((m) => events[m])) break;
  }
  return events;
}

function safeJson(line: string): { message?: string; url?: string } | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
