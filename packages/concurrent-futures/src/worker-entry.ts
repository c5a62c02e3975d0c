// Where the worker loop lives: worker-loop.ts next to this module under a TypeScript loader
// during development, worker-loop.js once compiled.
import { fileURLToPath } from "node:url";

// The path, not the URL: a TypeScript loader may add a query (tsx's namespaces in threads).
const fromSource = new URL(import.meta.url).pathname.endsWith(".ts");

const workerUrl = new URL(`./worker-loop${fromSource ? ".ts" : ".js"}`, import.meta.url);
export const workerPath = fileURLToPath(workerUrl);

/**
 * What a worker thread starts from. Compiled: worker-loop.js itself. From source on Node 20,
 * threads do not inherit the loader hooks, so a small script loads worker-loop.ts through tsx.
 */
export function threadEntry(): { entry: URL | string; eval: boolean } {
  if (!fromSource) return { entry: workerUrl, eval: false };
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const code =
    `const { tsImport } = await import(${JSON.stringify(tsxApi)});\n` +
    `await tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(workerUrl.href)});\n`;
  return { entry: code, eval: true };
}
