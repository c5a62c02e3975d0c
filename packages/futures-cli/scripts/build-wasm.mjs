// Compile the WebAssembly kernels from their text sources (src/**/*.wat) into wasm/, which
// the package ships. wabt (the WebAssembly Binary Toolkit compiled to JavaScript) is a
// development dependency: users get the .wasm, not the compiler.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import wabtModule from "wabt";

const packageDir = new URL("..", import.meta.url);
const KERNELS = ["src/cpu/arcfour.wat"];

const wabt = await wabtModule();
const outDir = new URL("wasm/", packageDir);
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
for (const source of KERNELS) {
  const file = fileURLToPath(new URL(source, packageDir));
  const module = wabt.parseWat(file, await readFile(file, "utf8"));
  try {
    module.validate();
    const { buffer } = module.toBinary({});
    const name = source
      .split("/")
      .at(-1)
      .replace(/\.wat$/, ".wasm");
    await writeFile(new URL(name, outDir), buffer);
  } finally {
    module.destroy();
  }
}
