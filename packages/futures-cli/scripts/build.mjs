// `npm run build` of futures-cli, which the repository's `npm start` runs too: brings dist/ and
// wasm/ up to date with the sources, doing only what changed. `tsc -b` compiles this package
// and the library it references (both keep a .tsbuildinfo in their dist/, so a deleted dist/
// is built whole again); the library's code is then bundled as its own build does; then the
// bundle of `futures flags` and the WebAssembly kernels, each made again only when what it is
// made from changed. `npm pack` builds from an empty dist/.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { buildWasm } from "./build-wasm.mjs";
import { bundleFlags } from "./bundle-flags.mjs";
import { bundleLibrary } from "../../concurrent-futures/scripts/bundle.mjs";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const config = fileURLToPath(new URL("../tsconfig.build.json", import.meta.url));
try {
  execFileSync(process.execPath, [tsc, "-b", config], { stdio: "inherit" });
} catch {
  process.exit(1); // tsc printed why
}
// tsc writes the library's declarations only; its code is bundled (the library's build does the same).
await bundleLibrary();
await bundleFlags();
await buildWasm();
