// Compile the WebAssembly kernels from their text sources (src/**/*.wat) into wasm/, which
// the package ships. wabt (the WebAssembly Binary Toolkit compiled to JavaScript) is a
// development dependency: users get the .wasm, not the compiler. The kernels are compiled
// again only when a .wasm is missing or older than its source or this script.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const packageDir = new URL("..", import.meta.url);
const KERNELS = ["src/cpu/arcfour.wat"];
const outDir = new URL("wasm/", packageDir);

const wasmName = (source) =>
  source
    .split("/")
    .at(-1)
    .replace(/\.wat$/, ".wasm");
const modified = async (url) => (await stat(url).catch(() => undefined))?.mtimeMs;

async function upToDate() {
  const script = await modified(new URL(import.meta.url));
  for (const source of KERNELS) {
    const built = await modified(new URL(wasmName(source), outDir));
    if (built === undefined || built < script || built < (await modified(new URL(source, packageDir))))
      return false;
  }
  return true;
}

export async function buildWasm() {
  if (await upToDate()) return;
  const { default: wabtModule } = await import("wabt");
  const wabt = await wabtModule();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  for (const source of KERNELS) {
    const file = fileURLToPath(new URL(source, packageDir));
    const module = wabt.parseWat(file, await readFile(file, "utf8"));
    try {
      module.validate();
      const { buffer } = module.toBinary({});
      await writeFile(new URL(wasmName(source), outDir), buffer);
    } finally {
      module.destroy();
    }
  }
}
