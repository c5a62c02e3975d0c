// A TCP proxy on loopback that can go silent: in a partition packets are dropped and no reset
// arrives, so both sides keep their sockets open and hear nothing. blackhole() does that to
// every connection, present and future, until heal(); reset() cuts them instead. hold() keeps
// what the server answers, in order, until release(): its requests arrive, its replies wait.
import net from "node:net";

export class BlackholeProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #silent = false;
  /** While holding: the replies kept, with the client each is for. */
  #held: [net.Socket, Buffer][] | undefined;
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
      upstream.on("data", (data) => {
        if (this.#silent) return;
        if (this.#held) this.#held.push([client, data]);
        else client.write(data);
      });
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

  /** From now on, keep the server's replies instead of passing them on. */
  hold(): void {
    this.#held ??= [];
  }

  /** Pass on the replies kept, in order, and every later one at once. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const [client, data] of held) client.write(data);
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
