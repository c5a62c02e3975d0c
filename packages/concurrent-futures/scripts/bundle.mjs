// The library's JavaScript in dist/, as a few bundled files rather than one per module: every
// pool worker imports the library as it starts (its task module does), and Node's ES module
// loader spends more on each file (resolve, stat, read, compile) than on the code in it. Four
// entry points, the package's exports and the pools' worker loop, share their code through
// chunks beside them in dist/ (esbuild's splitting), so each module still runs once per
// process, and `new URL("./worker-loop.js", import.meta.url)` still finds the loop. tsc
// writes the declarations (tsconfig.build.json); this writes the code.
//   node scripts/bundle.mjs
import { build } from "esbuild";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

export async function bundleLibrary() {
  const dist = `${packageDir}dist/`;
  const { outputFiles } = await build({
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
    write: false,
  });
  // Pool workers of running programs (and of tests beside a build) import these files: a file
  // whose content is unchanged is left as it is, a changed one replaced in one step, and the
  // chunks of an earlier build (named after their contents) removed only once nothing new
  // refers to them. Emptying dist/ first left a moment with no chunks at all.
  const written = new Set();
  for (const { path, contents } of outputFiles) {
    written.add(path);
    const current = await readFile(path).catch(() => undefined);
    if (current?.equals(contents)) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.${process.pid}.tmp`, contents);
    await rename(`${path}.${process.pid}.tmp`, path);
  }
  for (const name of readdirSync(dist))
    if (/^chunk-.*\.js$/.test(name) && !written.has(dist + name)) await rm(dist + name);
  // tsc -b leaves the declarations of a module deleted since: a pack would ship them.
  for (const name of readdirSync(dist, { recursive: true, encoding: "utf8" })) {
    const source = /^(.*)\.d\.ts$/.exec(name)?.[1];
    if (source !== undefined && !existsSync(`${packageDir}src/${source}.ts`)) await rm(dist + name);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bundleLibrary();
