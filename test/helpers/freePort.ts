import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on: the system picks it, and it is given back at once. For a
 * server that is to start there, or for a request that is to find nobody there.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
