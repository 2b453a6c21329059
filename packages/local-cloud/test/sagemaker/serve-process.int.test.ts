import { createServer, type Server, type Socket } from 'node:net';
import { Agent } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServeProcess, httpCall } from '../../src/sagemaker/serve-process';

/**
 * A server that answers the first request on each connection with keep-alive, then closes the
 * connection without answering when a second request arrives on it: the idle-timeout race of a
 * real server, made deterministic.
 */
function closingKeepAliveServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections += 1;
    let requests = 0;
    socket.on('data', () => {
      requests += 1;
      if (requests === 1) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      } else {
        socket.destroy();
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        server,
        port: typeof address === 'object' && address ? address.port : 0,
        connections: () => connections,
      });
    }),
  );
}

describe('httpCall to the model server', () => {
  it('sends a request again on a fresh socket when the kept-alive one was closed under it', async () => {
    // Prepare
    const { server, port, connections } = await closingKeepAliveServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Act
      const first = await httpCall(port, agent, 'POST', '/invocations', {}, Buffer.from('a'), 5000);
      const second = await httpCall(port, agent, 'POST', '/invocations', {}, Buffer.from('b'), 5000);
      // Assess
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body.toString()).toBe('ok');
      expect(connections()).toBe(2);
    } finally {
      agent.destroy();
      server.close();
    }
  });

  it('does not repeat a request whose fresh connection fails', async () => {
    // Prepare: a port with nothing listening
    const { server, port } = await closingKeepAliveServer();
    await new Promise((r) => server.close(r));
    // Act + Assess
    await expect(httpCall(port, undefined, 'GET', '/ping', {}, undefined, 2000)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('ServeProcess.stop', () => {
  it('lets an invocation already sent finish before the model server is stopped (an endpoint update drains)', async () => {
    // Prepare: a model server whose /invocations answers after 800 ms.
    const dir = await mkdtemp(join(tmpdir(), 'serve-drain-'));
    const script = join(dir, 'serve.js');
    await writeFile(
      script,
      `require('node:http').createServer((req, res) => {
  if (req.url === '/ping') return res.end('ok');
  req.resume();
  req.on('end', () => setTimeout(() => res.end('answered'), 800));
}).listen(Number(process.env.SAGEMAKER_BIND_TO_PORT), '127.0.0.1');
`,
    );
    const serve = await ServeProcess.start({
      modelCommand: [process.execPath, script],
      mlRoot: dir,
      variantName: 'AllTraffic',
      logFile: join(dir, 'serve.log'),
      pingTimeoutMs: 10_000,
      stopGraceMs: 5_000,
      onLine: () => {},
    });
    try {
      // Act: stop while an invocation is in flight.
      const answer = serve.invoke(Buffer.from('x'), {}, 5_000);
      await new Promise((r) => setTimeout(r, 100));
      const stopped = serve.stop();
      // Assess: the invocation is answered, then the process stops.
      expect((await answer).body.toString()).toBe('answered');
      await stopped;
      expect(serve.running).toBe(false);
    } finally {
      await serve.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
