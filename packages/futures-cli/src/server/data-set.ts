// The flag data set, read once at start into memory: a Map from URL path to a ready response.
// Requests are answered by Map lookup only, never by joining a request path to the file
// system, so no request can reach a file outside the data folder.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fileReplies, type FileReplies } from "./reply.ts";

export interface FlagEntry {
  /** Upper-case code, like BR. */
  cc: string;
  country: string;
  /** URL path of its GIF, like /flags/br/br.gif. */
  path: string;
}

export interface DataSet {
  dir: string;
  /** URL path, like /flags/br/br.gif, to its prepared replies. */
  files: Map<string, FileReplies>;
  /** The flags found, sorted by code, for the index page. */
  flags: FlagEntry[];
}

/** The data folder is missing or holds no flags. */
export class DataSetError extends Error {
  override name = "DataSetError";
}

// The package's data/ folder: two levels up from src/server/ and from dist/server/ alike.
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../../data", import.meta.url));

const CODE_FOLDER = /^[a-z]{2}$/;

/** Read every flags/{cc}/{cc}.gif and flags/{cc}/metadata.json under `dataDir`. */
export async function loadDataSet(dataDir: string | URL = DEFAULT_DATA_DIR): Promise<DataSet> {
  const dir = typeof dataDir === "string" ? dataDir : fileURLToPath(dataDir);
  const flagsDir = join(dir, "flags");
  let names: string[];
  try {
    names = await readdir(flagsDir);
  } catch {
    throw new DataSetError(`no flags folder in ${dir} (expected flags/{cc}/{cc}.gif)`);
  }
  const codes = names.filter((name) => CODE_FOLDER.test(name)).sort();
  const entries = await Promise.all(codes.map((cc) => loadCode(flagsDir, cc)));
  const files = new Map<string, FileReplies>();
  const flags: FlagEntry[] = [];
  for (const entry of entries) {
    for (const [path, file] of entry.files) files.set(path, file);
    if (entry.flag) flags.push(entry.flag);
  }
  if (flags.length === 0) throw new DataSetError(`no flags in ${flagsDir} (expected flags/{cc}/{cc}.gif)`);
  return { dir, files, flags };
}

async function loadCode(flagsDir: string, cc: string) {
  const files = new Map<string, FileReplies>();
  const gif = await readIfFile(join(flagsDir, cc, `${cc}.gif`));
  const json = await readIfFile(join(flagsDir, cc, "metadata.json"));
  if (gif) files.set(`/flags/${cc}/${cc}.gif`, prepare(gif.body, gif.mtime, "image/gif"));
  if (json) files.set(`/flags/${cc}/metadata.json`, prepare(json.body, json.mtime, "application/json"));
  const flag: FlagEntry | undefined = gif
    ? {
        cc: cc.toUpperCase(),
        country: countryOf(json?.body) ?? cc.toUpperCase(),
        path: `/flags/${cc}/${cc}.gif`,
      }
    : undefined;
  return { files, flag };
}

async function readIfFile(path: string): Promise<{ body: Buffer; mtime: Date } | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? { body: await readFile(path), mtime: info.mtime } : undefined;
  } catch {
    return undefined;
  }
}

function countryOf(json: Buffer | undefined): string | undefined {
  if (!json) return undefined;
  try {
    const country: unknown = JSON.parse(json.toString("utf8")).country;
    return typeof country === "string" ? country : undefined;
  } catch {
    return undefined;
  }
}

/** Build the replies for this file once, so serving it costs no work. */
function prepare(body: Buffer, modified: Date, contentType: string): FileReplies {
  const etag = `"${createHash("sha1").update(body).digest("base64url").slice(0, 20)}"`;
  return fileReplies(body, contentType, etag, modified);
}
