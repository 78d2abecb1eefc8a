import { createConnection, createServer, type Server, type Socket } from "node:net";

export type TcpProxy = {
  port: number;
  /** Connections opened through the proxy so far. */
  readonly connections: number;
  /** "Stops the database": cuts every proxied connection and refuses new ones (the port is closed). */
  down(): Promise<void>;
  /** "Starts it again": listens on the same port and forwards new connections. */
  up(): Promise<void>;
  close(): Promise<void>;
};

/**
 * A TCP proxy in front of a real server (here PostgreSQL), so a test can take
 * "the database" away from one app without touching the server others use.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let connections = 0;
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        connections++;
        const upstream = createConnection(target);
        open.add(client);
        open.add(upstream);
        const end = () => {
          client.destroy();
          upstream.destroy();
          open.delete(client);
          open.delete(upstream);
        };
        client.on("error", end).on("close", end);
        upstream.on("error", end).on("close", end);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        const address = s.address();
        if (typeof address === "object" && address) port = address.port;
        server = s;
        resolve();
      });
    });

  const down = async () => {
    const s = server;
    server = undefined;
    const closed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve();
    for (const socket of open) socket.destroy();
    open.clear();
    await closed;
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get connections() {
      return connections;
    },
    down,
    up: () => (server ? Promise.resolve() : listen()),
    close: down,
  };
}
