import { createServer, type Server, type Socket } from 'node:net';
import { Agent } from 'node:http';
import { httpCall } from '../../src/sagemaker/serve-process';

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
