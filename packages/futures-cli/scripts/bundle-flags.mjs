// Bundle what `futures flags` runs into one CommonJS file, dist/cli/flags-bundle.cjs: the
// compiled command (dist/cli/run-cli.js and the flags and server code), the library
// (concurrent-futures, QueueExecutor included), commander and undici's Agent. dist/cli/main.js
// runs it through a V8 code cache (src/common/code-cache.ts): one file that V8 need not compile
// again, instead of some 110 modules compiled on every start.
//
// The file is a function body, called with two more variables than CommonJS has:
//   __futuresDist         file URL of this package's dist/ (with a trailing slash)
//   __futuresLibraryDist  file URL of the installed library's dist/
// Each module's import.meta.url becomes the URL of its own compiled file, so data files,
// pool workers and task modules resolve exactly as they do from dist/. Only `flags` runs from
// the bundle: the modules of the other commands are left out, and never reached.
//
// A build that changed nothing the bundle holds leaves it as it is: beside it,
// flags-bundle.inputs.json records a hash of every file esbuild read (and of this script, and
// esbuild's version); when each file still hashes the same, and the bundle is the one made
// then, there is nothing to do. Contents, not times: npm installs packages with old times.
import { build, version as esbuildVersion } from "esbuild";
import nodeAssert from "node:assert";
import { createHash } from "node:crypto";
import { readFile, realpath, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dist = `${packageDir}dist/`;
/** The installed library's dist/, found when the bundle is made (the library is built by then). */
let libraryDist;
const OUTFILE = `${dist}cli/flags-bundle.cjs`;
const INPUTS = `${dist}cli/flags-bundle.inputs.json`;
/** Modules that `futures flags` never loads: what registerCommands imports for other commands. */
const OTHER_COMMANDS = /^\.\.\/(serve-command|worker-command|cpu-commands|demos|bench)\/command\.js$/;

const compiledModules = {
  name: "compiled-modules",
  setup(build) {
    build.onResolve({ filter: OTHER_COMMANDS }, (args) => ({ path: args.path, external: true }));
    // undici's whole index is only a fallback, should its Agent module ever move. (The
    // "external" option would leave out the Agent module too: it covers subpaths.)
    build.onResolve({ filter: /^undici$/ }, (args) => ({ path: args.path, external: true }));
    // undici's HTTP/2 client loads node:http2 and node:tls (3-4 ms) as undici's Client loads,
    // though it serves only connections that negotiate HTTP/2 over TLS. The Client gets a
    // stand-in that loads it at its first such connection.
    build.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
      args.namespace === "file" && args.importer.endsWith("/undici/lib/dispatcher/client.js")
        ? { path: `${args.resolveDir}/client-h2.js`, namespace: "on-first-use" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "on-first-use" }, (args) => ({
      contents: `module.exports = function (...args) { return require(${JSON.stringify(args.path)}).apply(this, args); };`,
      resolveDir: dirname(args.path),
      loader: "js",
    }));
    // undici checks its invariants with node:assert (five Node modules, about 1 ms to load),
    // though an assertion fails only on a bug. undici gets a function that asserts as
    // node:assert does, loading it to throw.
    build.onResolve({ filter: /^node:assert$/ }, (args) =>
      args.importer.includes("/node_modules/undici/")
        ? { path: "node:assert", namespace: "assert-on-failure" }
        : undefined,
    );
    // Its other functions are getters that load node:assert (a plain function: undici calls it
    // on every request, and V8 calls a Proxy the slow way).
    build.onLoad({ filter: /.*/, namespace: "assert-on-failure" }, () => ({
      contents:
        'const assert = (value, message) => { if (!value) require("node:assert")(value, message); };\n' +
        `for (const key of ${JSON.stringify(Object.keys(nodeAssert))})\n` +
        '  Object.defineProperty(assert, key, { get: () => require("node:assert")[key] });\n' +
        "module.exports = assert;",
      loader: "js",
    }));
    // commander loads node:child_process (and with it node:dgram, 1-2 ms) for subcommands
    // that are programs of their own, which `futures` has none of: it gets an object that
    // loads the module when first used.
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.endsWith("/commander/lib/command.js")
        ? { path: "node:child_process", namespace: "builtin-on-first-use" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "builtin-on-first-use" }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => require(${JSON.stringify(args.path)})[key] });`,
      loader: "js",
    }));
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      const base = args.path.startsWith(dist)
        ? ["__futuresDist", dist]
        : args.path.startsWith(libraryDist)
          ? ["__futuresLibraryDist", libraryDist]
          : undefined;
      if (!base) return undefined;
      const own = `${base[0]} + ${JSON.stringify(relative(base[1], args.path))}`;
      let source = await readFile(args.path, "utf8");
      // A require that esbuild follows into commander and undici.
      source = source
        .replace(/^const require = createRequire\(import\.meta\.url\);$/m, "")
        .replaceAll("createRequire(import.meta.url)(", "require(");
      // Left as it was, a require would still work, but outside the bundle and its cache.
      if (source.includes("createRequire(import.meta.url)"))
        throw new Error(`${args.path}: a createRequire(import.meta.url) the bundle does not rewrite`);
      // import.meta.url and import.meta.resolve (see `define` below), for this module.
      const prelude =
        `var __importMetaUrl = ${own};\n` +
        `var __importMetaResolve = (specifier) => require("node:url").pathToFileURL(` +
        `require("node:module").createRequire(__importMetaUrl).resolve(specifier)).href;\n`;
      return { contents: prelude + source, loader: "js" };
    });
  },
};

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
/** One hash of these files' contents (undefined when one is gone), this script and esbuild. */
async function inputsHash(files) {
  const hash = createHash("sha256").update(`esbuild ${esbuildVersion}\n`);
  hash.update(await readFile(fileURLToPath(import.meta.url)));
  for (const file of files) {
    const content = await readFile(file).catch(() => undefined);
    if (content === undefined) return undefined;
    hash.update(`${file}\n${sha256(content)}\n`);
  }
  return hash.digest("hex");
}

/**
 * dist/cli/flags-start.cjs, which runs the bundle (src/cli/flags-start.ts): CommonJS, so that
 * bin/futures.js can start a download without Node's ES module loader.
 */
async function bundleStart() {
  await build({
    entryPoints: [`${dist}cli/flags-start.js`],
    outfile: `${dist}cli/flags-start.cjs`,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    banner: {
      js: '"use strict";\nvar __importMetaUrl = require("node:url").pathToFileURL(__filename).href;',
    },
    define: { "import.meta.url": "__importMetaUrl" },
    logLevel: "warning",
    legalComments: "none",
  });
}

/** Make dist/cli/flags-bundle.cjs from dist/, unless it was made from these very inputs. */
export async function bundleFlags() {
  await bundleStart();
  const recorded = await readFile(INPUTS, "utf8").then(JSON.parse, () => undefined);
  if (recorded) {
    const bundle = await readFile(OUTFILE).catch(() => undefined);
    if (
      bundle &&
      sha256(bundle) === recorded.bundle &&
      (await inputsHash(recorded.files)) === recorded.inputs
    )
      return;
  }
  await rm(INPUTS, { force: true });
  libraryDist = `${dirname(await realpath(createRequire(dist).resolve("concurrent-futures")))}/`;

  const result = await build({
    entryPoints: [`${dist}cli/run-cli.js`],
    outfile: OUTFILE,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    define: { "import.meta.url": "__importMetaUrl", "import.meta.resolve": "__importMetaResolve" },
    // QueueExecutor's clients, required only when that executor is chosen.
    external: ["bullmq", "ioredis"],
    plugins: [compiledModules],
    logLevel: "warning",
    legalComments: "none",
    metafile: true,
    absWorkingDir: packageDir,
    // Class and function names as in the modules: the library names executors by their class.
    keepNames: true,
  });
  if (result.warnings.length > 0) throw new Error("esbuild warned while bundling futures flags");

  // The code cache is named after this hash (src/common/code-cache.ts): V8 itself compares only
  // the length of the source, and would run code cached from another build of the same length.
  const bundled = await readFile(OUTFILE, "utf8");
  const hash = createHash("sha256").update(bundled).digest("hex").slice(0, 16);
  const written = `// futures-bundle ${hash}\n${bundled}`;
  await writeFile(OUTFILE, written);
  // Files only: the plugin's own namespaces ("on-first-use:...") are made from files listed too.
  const files = Object.keys(result.metafile.inputs)
    .filter((input) => !/^[a-z-]+:/.test(input))
    .map((input) => resolve(packageDir, input))
    .sort();
  await writeFile(
    INPUTS,
    JSON.stringify({ bundle: sha256(written), inputs: await inputsHash(files), files }),
  );
}
