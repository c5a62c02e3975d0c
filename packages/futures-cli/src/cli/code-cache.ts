// Run a CommonJS file with a V8 code cache: the first run saves the code V8 compiled for it
// (including the functions compiled while it ran), and later runs start from that instead of
// compiling the source again. Node 20 has no such cache of its own (module.enableCompileCache
// came with Node 22.1).
//
// The cache is a file per user (XDG cache folder), named after the caller's key, the script's
// identity, size and time and Node's version, written whole or not at all (a temporary file
// renamed into place). V8 checks the data against the source and its own version and flags, and
// rejects a mismatch: the script then compiles as usual and the cache is written again. A
// cache that cannot be read or written costs nothing but its speed: never an error.
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script, constants } from "node:vm";

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
  // V8 checks a cache against the length of the source only: the file's identity, size and
  // time tell a rebuilt or another installed copy apart.
  const { ino, size, mtimeMs } = statSync(file);
  const source = readFileSync(file, "utf8");
  const folder = cacheFolder();
  // Another installed copy of the file is another inode, with caches of its own.
  const prefix = `${key}-${ino}-`;
  const name = `${prefix}${process.version}-${process.arch}-${size}-${Math.trunc(mtimeMs)}.cache`;
  const cacheFile = folder && join(folder, name);
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
      if (fresh && cacheFile) writeCache(cacheFile, prefix, script);
    },
  };
}

/** `$XDG_CACHE_HOME/futures-cli` or `~/.cache/futures-cli`; undefined without a home. */
function cacheFolder(): string | undefined {
  try {
    const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
    return join(base, "futures-cli");
  } catch {
    return undefined;
  }
}

function writeCache(cacheFile: string, prefix: string, script: Script): void {
  const folder = dirname(cacheFile);
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const fd = openSync(temp, "wx", 0o600);
    try {
      for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, cacheFile);
    pruneCaches(folder, prefix, cacheFile);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was written
    }
  }
}

/** Caches kept in the folder at most: a copy deleted or rebuilt elsewhere leaves one behind. */
const MAX_CACHES = 8;

/**
 * Remove the caches of this copy's earlier builds or other Node versions (no more use), and
 * beyond MAX_CACHES the least recently written of other copies' (each is about 0.5 MB).
 */
function pruneCaches(folder: string, prefix: string, cacheFile: string): void {
  const others: { path: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (path === cacheFile || !name.endsWith(".cache")) continue;
    if (name.startsWith(prefix)) rmSync(path, { force: true });
    else others.push({ path, mtimeMs: statSync(path).mtimeMs });
  }
  others.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { path } of others.slice(MAX_CACHES - 1)) rmSync(path, { force: true });
}
