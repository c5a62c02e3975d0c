// Run a CommonJS file with a V8 code cache: the first run saves the code V8 compiled for it
// (including the functions compiled while it ran), and later runs start from that instead of
// compiling the source again. Node 20 has no such cache of its own (module.enableCompileCache
// came with Node 22.1).
//
// The cache is a file per user (XDG cache folder), named after the caller's key, a hash of the
// script's content and Node's version, written whole or not at all (a temporary file
// renamed into place). V8 checks the data against the source and its own version and flags, and
// rejects a mismatch: the script then compiles as usual and the cache is written again. A
// cache that cannot be read or written costs nothing but its speed: never an error.
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { createRequire } from "node:module";
import type * as Os from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { Script, constants } from "node:vm";
import { makeFolders } from "./make-folders.ts";

export interface CachedRun {
  /** The file's `module.exports`. */
  exports: unknown;
  /** Save the code compiled so far, unless the cache in use already holds it. Never throws. */
  save(): void;
}

/**
 * Run `file` (CommonJS) as a function of the usual CommonJS variables and of `extra` (names
 * and values), through the code cache named `key` (the file's name, say).
 */
export function runCached(file: string, key: string, extra: Record<string, unknown>): CachedRun {
  const source = readFileSync(file, "utf8");
  // V8 checks a cache against the length of the source only: the build wrote a hash of the
  // file's content on its first line (scripts/bundle-flags.mjs), and the cache is named after
  // it. A file without one runs uncached.
  const hash = /^\/\/ futures-bundle ([0-9a-f]{16})\n/.exec(source)?.[1];
  const folder = hash && cacheFolder();
  const cacheFile = folder && join(folder, `${key}-${hash}-${process.version}-${process.arch}.cache`);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    // no cache yet, or none to be had
  }
  const names = ["exports", "require", "module", "__filename", "__dirname", ...Object.keys(extra)];
  const script = new Script(`(function (${names.join(", ")}) {${source}\n})`, {
    filename: file,
    cachedData,
    // The file's import() goes through Node's own loader, as a module's would.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, dirname(file), ...Object.values(extra));
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    save: () => {
      if (fresh && cacheFile) writeCache(cacheFile, script);
    },
  };
}

/**
 * `$XDG_CACHE_HOME/futures-cli` or `~/.cache/futures-cli`; undefined without a home. A relative
 * XDG_CACHE_HOME is ignored, as the XDG spec says, and a home that does not exist is not made.
 */
function cacheFolder(): string | undefined {
  try {
    const xdg = process.env.XDG_CACHE_HOME;
    if (xdg && isAbsolute(xdg)) return join(xdg, "futures-cli");
    // HOME is what os.homedir() reads first: node:os is loaded only when it is not set.
    const home = process.env.HOME || (createRequire(import.meta.url)("node:os") as typeof Os).homedir();
    return home && existsSync(home) ? join(home, ".cache", "futures-cli") : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(cacheFile: string, script: Script): void {
  const folder = dirname(cacheFile);
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    makeFolders(folder, 0o700); // as the XDG spec asks
    const fd = openSync(temp, "wx", 0o600);
    try {
      for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, cacheFile);
    pruneCaches(folder, cacheFile);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was written
    }
  }
}

/** Caches kept in the folder at most: each build of the bundle, under each Node, has its own. */
const MAX_CACHES = 8;
/** A temporary file older than this was left by a run that died while writing it. */
const STALE_TEMP_MS = 60_000;

/** Keep the MAX_CACHES most recently written caches (each is about 0.5 MB); drop dead temp files. */
function pruneCaches(folder: string, cacheFile: string): void {
  const caches: { path: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (path === cacheFile) continue;
    const { mtimeMs } = statSync(path);
    if (name.endsWith(".cache")) caches.push({ path, mtimeMs });
    else if (name.endsWith(".tmp") && Date.now() - mtimeMs > STALE_TEMP_MS) rmSync(path, { force: true });
  }
  caches.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { path } of caches.slice(MAX_CACHES - 1)) rmSync(path, { force: true });
}
