// Import a task's module, TypeScript included.
//
// Child processes inherit the parent's loader flags (node --import tsx), so .ts modules
// just work there. Worker threads on Node 20 do not get the parent's loader hooks, so when
// a .ts module cannot be imported natively we fall back to tsx's tsImport(), if tsx is
// installed. tsx is optional: compiled .js tasks never need it.

// A variable specifier keeps tsx out of the library's static dependencies.
const TSX_API = "tsx/esm/api";

type TsImport = (specifier: string, parentURL: string) => Promise<Record<string, unknown>>;

export async function importModule(href: string): Promise<Record<string, unknown>> {
  const url = withoutLoaderNamespace(href);
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
    return (await loadTsImport(url, error))(url, import.meta.url);
  }
}

/**
 * A module imported through tsx's tsImport() has a URL with tsx's namespace in its query
 * (?namespace=..., ?tsx-namespace=...), which means something only to the loader that made it:
 * elsewhere (a worker, another process) the file itself is meant.
 */
function withoutLoaderNamespace(href: string): string {
  if (!href.startsWith("file:") || !href.includes("namespace=")) return href;
  const url = new URL(href);
  url.searchParams.delete("namespace");
  url.searchParams.delete("tsx-namespace");
  return url.href;
}

async function loadTsImport(url: string, cause: unknown): Promise<TsImport> {
  try {
    return ((await import(TSX_API)) as { tsImport: TsImport }).tsImport;
  } catch {
    throw new TypeError(
      `cannot import ${url} in a worker: install tsx to run TypeScript tasks from source, or compile them to JavaScript`,
      { cause },
    );
  }
}
