import { createLogger, DEFAULT_ML_ROOT, DEFAULT_SERVE_PORT, ML_ROOT_ENV, SERVE_PORT_ENV } from '@digits/common';
import { WASM_THREADS_ENV } from '../backend';
import { startServer } from './server';

/** Interface `serve` binds: 127.0.0.1 unless set (the container image sets 0.0.0.0). */
export const SERVE_HOST_ENV = 'DIGITS_SERVE_HOST';

/** The CLI's `serve` command: listen, load <ML root>/model, exit 1 if the model cannot load. */
export async function serveMain(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = createLogger('serve');
  // One wasm thread unless told otherwise: for one image at a time the thread pool's hand-offs
  // cost more than they save (measured here: server CPU 1.3 vs 4.8 ms a request, p50 2.7 vs 5.5 ms).
  if (!process.env[WASM_THREADS_ENV]) process.env[WASM_THREADS_ENV] = '1';
  const rawPort = env[SERVE_PORT_ENV];
  const port = rawPort ? Number(rawPort) : DEFAULT_SERVE_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${SERVE_PORT_ENV}=${rawPort} is not a port number`);
  const server = await startServer({
    port,
    host: env[SERVE_HOST_ENV] || '127.0.0.1',
    mlRoot: env[ML_ROOT_ENV] || DEFAULT_ML_ROOT,
    logger: log,
  });
  const stop = (signal: string) => {
    log.info('stopping', { signal });
    server.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  try {
    await server.ready;
  } catch {
    // Logged by the server; a container that cannot serve must fail so the endpoint does too.
    await server.close();
    process.exit(1);
  }
}
