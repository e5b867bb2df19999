/**
 * A TCP load balancer for a local cluster: what Heroku's router does in front of web dynos, small
 * enough to read. Connections are spread round-robin over the nodes; a node that refuses (dead,
 * restarting) is skipped, so a browser whose node died reconnects to another. One TCP connection
 * stays on one node, which is all a websocket-only socket.io client needs for stickiness.
 *
 * Why one of our own: a socket.io client reconnects to the URL it was given, so `npm run cluster`
 * and the cluster tests need one address in front of every node.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A listening balancer. */
export interface Balancer {
  port: number;
  /** Stops listening and cuts every connection. */
  close(): Promise<void>;
}

/**
 * Starts the balancer on `port` (0 = any) of 127.0.0.1: each connection goes to the next backend
 * (round-robin) that accepts it; a refused backend is skipped.
 * @param backends - the backends' ports, asked at every connection (so dead nodes can be left out).
 */
export async function startBalancer(backends: () => number[], port = 0): Promise<Balancer> {
  let next = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.pause();
    const ports = backends();
    const tryFrom = (attempt: number) => {
      if (attempt >= ports.length || client.destroyed) return client.destroy();
      const port = ports[(next + attempt) % ports.length]!;
      const upstream = createConnection({ host: '127.0.0.1', port });
      upstream.once('connect', () => {
        next = (next + attempt + 1) % Math.max(1, ports.length);
        open.add(upstream);
        upstream.on('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        if (!upstream.readyState.startsWith('open')) tryFrom(attempt + 1);
      });
    };
    tryFrom(0);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      for (const s of open) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
