// RC4 through the WebAssembly kernel (arcfour.wat, compiled into wasm/arcfour.wasm by the
// build): the same results as arcfour.ts. V8 compiles the kernel's loops with no bounds checks
// (guard pages stand in for them); bench/cpu.ts compares it with OpenSSL. The data goes
// through the module's memory in 64 KiB chunks (measured: 8-32 KiB chunks were slower, 256 KiB
// and 1 MiB no faster). The module is compiled once per thread, on first use.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkArcfourArguments } from "./arcfour.ts";

// TypeScript declares WebAssembly in its DOM library, which this project leaves out.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
};

interface Kernel {
  memory: { buffer: ArrayBuffer };
  schedule(keyLength: number, loops: number): void;
  crypt(length: number): void;
}

// The memory layout of arcfour.wat.
const KEY_OFFSET = 1024;
const DATA_OFFSET = 2048;
const CHUNK = 2 ** 16;

// src/cpu and dist/cpu are both two levels below the package, where wasm/ is.
const WASM_FILE = new URL("../../wasm/arcfour.wasm", import.meta.url);

let kernel: Kernel | undefined;

function loadKernel(): Kernel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(WASM_FILE);
  } catch (error) {
    throw new Error(
      `the RC4 WebAssembly kernel ${fileURLToPath(WASM_FILE)} cannot be read ` +
        `(${(error as NodeJS.ErrnoException).code}); build it with npm run build`,
    );
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  return instance.exports as unknown as Kernel;
}

/** Encrypt or decrypt `data` with RC4 in WebAssembly; the same contract as `arcfour`. */
export function arcfourWasm(key: Uint8Array, data: Uint8Array, loops = 20, into?: Uint8Array): Uint8Array {
  checkArcfourArguments(key, loops, data, into);
  kernel ??= loadKernel();
  // The memory never grows, so one view of it stays valid.
  const heap = new Uint8Array(kernel.memory.buffer);
  heap.set(key, KEY_OFFSET);
  kernel.schedule(key.length, loops);
  const out = into ?? new Uint8Array(data.length);
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    const length = Math.min(CHUNK, data.length - offset);
    heap.set(data.subarray(offset, offset + length), DATA_OFFSET);
    kernel.crypt(length);
    out.set(heap.subarray(DATA_OFFSET, DATA_OFFSET + length), offset);
  }
  return out;
}
