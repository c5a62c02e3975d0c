// The no-op task for workerpool, which registers named functions in its worker script.
const workerpool = require("workerpool");
workerpool.worker({ noop: () => undefined });
