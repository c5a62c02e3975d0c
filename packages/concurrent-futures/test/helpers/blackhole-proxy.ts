// A TCP proxy on loopback that can go silent: in a partition packets are dropped and no reset
// arrives, so both sides keep their sockets open and hear nothing. blackhole() does that to
// every connection, present and future, until heal(); reset() cuts them instead.
import net from "node:net";

export class BlackholeProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #silent = false;
  port = 0;

  constructor(targetPort: number) {
    this.#server = net.createServer((client) => {
      const upstream = net.connect(targetPort, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("error", () => {});
        socket.on("close", () => this.#sockets.delete(socket));
      }
      client.on("data", (data) => this.#silent || upstream.write(data));
      upstream.on("data", (data) => this.#silent || client.write(data));
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.port = (this.#server.address() as net.AddressInfo).port;
  }

  /** From now on, drop everything in both directions, without closing anything. */
  blackhole(): void {
    this.#silent = true;
  }

  heal(): void {
    this.#silent = false;
  }

  /** Reset every connection now (new ones are accepted as before). */
  reset(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
