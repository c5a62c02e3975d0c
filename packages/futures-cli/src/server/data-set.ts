// The flag data set: a table from URL path to a ready response, built from one listing of the
// data folder. Requests are answered by table lookup only, never by joining a request path to
// the file system: a file is read only under a name the listing gave, so no request can reach
// a file outside the data folder.
//
// Each file is read once, either all at start (`futures serve`: what it serves is read before
// it says it serves it) or the first time it is asked for (the server inside `futures flags`,
// which serves 20 files of the 388 in most runs: reading them all took most of its start).
// Reads are synchronous: a few tens of microseconds each, once per file.
import { closeSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
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
  /** URL path, like /flags/br/br.gif, to its prepared replies; undefined for anything else. */
  files: { get(path: string): FileReplies | undefined };
  /** The flags found, sorted by code, for the index page (read when first asked for). */
  readonly flags: FlagEntry[];
}

export interface DataSetOptions {
  /** Read every file now rather than when it is first asked for (default true). */
  preload?: boolean;
}

/** The data folder is missing or holds no flags. */
export class DataSetError extends Error {
  override name = "DataSetError";
}

// The package's data/ folder: two levels up from src/server/ and from dist/server/ alike.
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../../data", import.meta.url));

const CODE_FOLDER = /^[a-z]{2}$/;
/** The two files of a code folder, by URL path: /flags/{cc}/{cc}.gif and /flags/{cc}/metadata.json. */
const FILE_PATH = /^\/flags\/([a-z]{2})\/(?:\1\.gif|metadata\.json)$/;

/** List flags/{cc}/ under `dataDir`; its {cc}.gif and metadata.json files are served. */
export async function loadDataSet(
  dataDir: string | URL = DEFAULT_DATA_DIR,
  { preload = true }: DataSetOptions = {},
): Promise<DataSet> {
  const dir = typeof dataDir === "string" ? dataDir : fileURLToPath(dataDir);
  const flagsDir = join(dir, "flags");
  let names: string[];
  try {
    names = readdirSync(flagsDir);
  } catch {
    throw new DataSetError(`no flags folder in ${dir} (expected flags/{cc}/{cc}.gif)`);
  }
  const codes = names.filter((name) => CODE_FOLDER.test(name)).sort();
  const listed = new Set(codes);
  // Read at most once each: a file that is not there (or not a file) is remembered as such.
  const read = new Map<string, FileReplies | undefined>();
  const files = {
    get(path: string): FileReplies | undefined {
      if (read.has(path)) return read.get(path);
      const cc = FILE_PATH.exec(path)?.[1];
      if (cc === undefined || !listed.has(cc)) return undefined;
      const file = readReplies(join(flagsDir, cc, path.slice(`/flags/${cc}/`.length)));
      read.set(path, file);
      return file;
    },
  };
  const gifPath = (cc: string): string => `/flags/${cc}/${cc}.gif`;
  let flags: FlagEntry[] | undefined;
  const data: DataSet = {
    dir,
    files,
    get flags() {
      flags ??= codes
        .filter((cc) => files.get(gifPath(cc)))
        .map((cc) => ({
          cc: cc.toUpperCase(),
          country: countryOf(files.get(`/flags/${cc}/metadata.json`)?.get.body) ?? cc.toUpperCase(),
          path: gifPath(cc),
        }));
      return flags;
    },
  };
  if (preload) {
    for (const cc of codes) {
      files.get(gifPath(cc));
      files.get(`/flags/${cc}/metadata.json`);
    }
  }
  if (!codes.some((cc) => files.get(gifPath(cc))))
    throw new DataSetError(`no flags in ${flagsDir} (expected flags/{cc}/{cc}.gif)`);
  return data;
}

/** The replies for a file, built once so that serving it costs no work; undefined if none. */
function readReplies(path: string): FileReplies | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const info = fstatSync(fd);
    if (!info.isFile()) return undefined;
    const body = Buffer.allocUnsafe(info.size);
    let length = 0;
    while (length < body.length) {
      const count = readSync(fd, body, length, body.length - length, null);
      if (count === 0) break; // shrank while read
      length += count;
    }
    const contentType = path.endsWith(".gif") ? "image/gif" : "application/json";
    return prepare(body.subarray(0, length), info.mtime, contentType);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
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

/**
 * The ETag is nginx's kind: modification time (in milliseconds) and size, in hex. A file is
 * read once and served from memory, so a tag stands for one body while the server runs; and
 * hashing the body would load node:crypto (some 20 Node modules, 3 ms) into every
 * `futures flags` that starts the server.
 */
function prepare(body: Buffer, modified: Date, contentType: string): FileReplies {
  const etag = `"${modified.getTime().toString(16)}-${body.length.toString(16)}"`;
  return fileReplies(body, contentType, etag, modified);
}
