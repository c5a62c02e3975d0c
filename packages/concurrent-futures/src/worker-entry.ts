// Where the worker loop lives: worker-loop.ts next to this module under a TypeScript loader
// during development, worker-loop.js once compiled, or the worker entry a bundled program
// names with the pools' workerUrl option (see worker.ts and the README's "Bundles").

// node:fs and node:url when a pool is made, not in every child that imports the library.
const existsSync = (path: string) => process.getBuiltinModule("node:fs").existsSync(path);
const fileURLToPath = (url: URL) => process.getBuiltinModule("node:url").fileURLToPath(url);

// The path, not the URL: a TypeScript loader may add a query (tsx's namespaces in threads).
const fromSource = new URL(import.meta.url).pathname.endsWith(".ts");
/** Bun and Deno run TypeScript in every thread themselves. */
const nativeTypeScript = Boolean(process.versions.bun ?? process.versions.deno);

// Two literal URLs, so that bundlers which follow new URL(..., import.meta.url) can see them.
const defaultWorkerUrl = fromSource
  ? new URL("./worker-loop.ts", import.meta.url)
  : new URL("./worker-loop.js", import.meta.url);

/**
 * The worker entry a pool starts, checked when the pool is made: a bundled program has no
 * worker-loop.js beside it, and a clear error then beats a broken pool at the first submit.
 */
export function workerEntryUrl(workerUrl: URL | string | undefined, executorName: string): URL {
  const url = workerUrl === undefined ? defaultWorkerUrl : new URL(workerUrl);
  if (url.protocol !== "file:")
    throw new TypeError(`${executorName}: workerUrl must be a file: URL, got ${url.href}`);
  if (!existsSync(fileURLToPath(url))) {
    throw new TypeError(
      workerUrl === undefined
        ? `${executorName} cannot find its worker loop ${fileURLToPath(url)}: in a bundled program, ` +
            `bundle a worker entry that imports "concurrent-futures/worker" and the task modules, ` +
            `and pass its URL as the workerUrl option`
        : `${executorName}: the workerUrl ${fileURLToPath(url)} does not exist`,
    );
  }
  return url;
}

/** The file a child process starts from. */
export function processEntry(url: URL): string {
  return fileURLToPath(url);
}

/**
 * What a worker thread starts from: the entry itself, except for the library's own
 * worker-loop.ts from source on Node, where threads do not inherit the loader hooks and a
 * small script loads it through tsx.
 */
export function threadEntry(url: URL): { entry: URL | string; eval: boolean } {
  if (url !== defaultWorkerUrl || !fromSource || nativeTypeScript) return { entry: url, eval: false };
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const code =
    `const { tsImport } = await import(${JSON.stringify(tsxApi)});\n` +
    `await tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)});\n`;
  return { entry: code, eval: true };
}
