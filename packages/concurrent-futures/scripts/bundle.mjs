// The library's JavaScript in dist/, as a few bundled files rather than one per module: every
// pool worker imports the library as it starts (its task module does), and Node's ES module
// loader spends more on each file (resolve, stat, read, compile) than on the code in it. Four
// entry points, the package's exports and the pools' worker loop, share their code through
// chunks beside them in dist/ (esbuild's splitting), so each module still runs once per
// process, and `new URL("./worker-loop.js", import.meta.url)` still finds the loop. tsc
// writes the declarations (tsconfig.build.json); this writes the code.
//   node scripts/bundle.mjs
import { build } from "esbuild";
import { rm } from "node:fs/promises";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

export async function bundleLibrary() {
  const dist = `${packageDir}dist/`;
  // Chunks of an earlier build: their names are hashes of their contents.
  for (const name of readdirSync(dist)) if (/^chunk-.*\.js$/.test(name)) await rm(dist + name);
  await build({
    absWorkingDir: packageDir,
    entryPoints: ["src/index.ts", "src/worker.ts", "src/worker-loop.ts", "src/queue-executor/index.ts"],
    outdir: "dist",
    outbase: "src",
    bundle: true,
    splitting: true,
    chunkNames: "chunk-[hash]",
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundleLibrary();
