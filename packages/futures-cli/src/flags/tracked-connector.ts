// undici's connector, keeping the sockets it is still opening. An exchange that times out
// while its connection is being made leaves that connection to undici, which ends it only when
// the connection is made or fails; closing the client does not reach it. A server that takes
// the TCP connection and never answers the TLS handshake thus kept the process alive after
// its report. The client ends these sockets when it closes, and each has a deadline besides.
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import type { buildConnector } from "undici";

const require = createRequire(import.meta.url);

export class TrackedConnector {
  readonly #connecting = new Set<Socket>();

  /** A connector built with `options`: `timeout` ends a connection (and its handshake) not made in time. */
  build(options: buildConnector.BuildOptions): buildConnector.connector {
    // The module undici's Agent loads anyway; a literal path, which the bundle follows.
    const build = require("undici/lib/core/connect.js") as (
      o: buildConnector.BuildOptions,
    ) => buildConnector.connector;
    const connect = build(options);
    return (target, callback) => {
      // undici's connector returns the socket it opens (its types say void).
      const socket = connect(target, (...outcome) => {
        if (socket) this.#connecting.delete(socket);
        callback(...outcome);
      }) as unknown as Socket | undefined;
      if (socket) this.#connecting.add(socket);
    };
  }

  /** End every connection still being made. */
  destroyAll(): void {
    for (const socket of this.#connecting) socket.destroy();
    this.#connecting.clear();
  }
}
