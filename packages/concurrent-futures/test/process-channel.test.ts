import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import { describe, it } from "node:test";
import { ProcessPoolExecutor } from "../src/index.ts";
import { ProcessChannel } from "../src/process-channel.ts";
import { identity } from "./fixtures/tasks.ts";

/** Values JSON would change or refuse, each with how to tell it came back whole. */
function awkwardValues(): [string, unknown, (back: unknown) => void][] {
  const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const match = /b(c)/.exec("abc")!;
  const bare = Object.assign(Object.create(null) as object, { x: 1 });
  let deep: unknown = "bottom";
  for (let i = 0; i < 30; i++) deep = [deep];
  const bytes = new Uint8Array(1 << 20).map((_, i) => i % 251);
  return [
    ["undefined", undefined, (back) => assert.equal(back, undefined)],
    ["-0", -0, (back) => assert.ok(Object.is(back, -0))],
    [
      "NaN and infinities",
      [NaN, Infinity, -Infinity],
      (back) => assert.deepEqual(back, [NaN, Infinity, -Infinity]),
    ],
    ["a sparse array", sparse, (back) => assert.ok(Array.isArray(back) && !(1 in back) && back.length === 3)],
    [
      "a match with index and input",
      match,
      (back) => assert.deepEqual({ ...(back as object) }, { ...match }),
    ],
    ["an undefined property", { a: undefined }, (back) => assert.ok(Object.hasOwn(back as object, "a"))],
    ["a null-prototype object", bare, (back) => assert.equal((back as { x: number }).x, 1)],
    [
      "a __proto__ key",
      JSON.parse('{"__proto__": 1}'),
      (back) => assert.ok(Object.hasOwn(back as object, "__proto__")),
    ],
    ["30 nested arrays", deep, (back) => assert.deepEqual(back, deep)],
    [
      "odd strings",
      ["\u2028\n\u0000", "\ud800"],
      (back) => assert.deepEqual(back, ["\u2028\n\u0000", "\ud800"]),
    ],
    [
      "Map, Set, BigInt, Date",
      [new Map([[1, 2n]]), new Set(["a"]), new Date(5)],
      (back) => assert.deepEqual(back, [new Map([[1, 2n]]), new Set(["a"]), new Date(5)]),
    ],
    ["1 MiB of bytes", bytes, (back) => assert.deepEqual(back, bytes)],
    [
      "an error",
      new RangeError("far"),
      (back) => assert.ok(back instanceof RangeError && back.message === "far"),
    ],
  ];
}

/** Two channels joined as a pool and its child are: a pipe each way, and an IPC lane that is slower. */
function joined() {
  const lanes = { pipe: 0, ipc: 0 };
  const got: unknown[] = [];
  const fromLeft = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
  const toRight = new Duplex({
    read() {},
    write: (chunk: Buffer, _encoding, done) => {
      lanes.pipe++;
      fromLeft.push(chunk);
      done();
    },
  });
  const left = new ProcessChannel({
    // Later than the pipe, as IPC may be: order must come from the numbers.
    ipc: (numbered) => {
      const copy = structuredClone(numbered);
      lanes.ipc++;
      setTimeout(() => right.fromIpc(copy), 5);
    },
    pipe: toRight,
    deliver: () => {},
  });
  const right = new ProcessChannel({
    ipc: () => {},
    pipe: fromLeft,
    deliver: (message) => got.push(message),
  });
  return { left, got, lanes };
}

describe("the process channel", () => {
  it("delivers in the order sent, plain data by the pipe and the rest by IPC, each whole", async () => {
    const { left, got, lanes } = joined();
    const sent = [
      { t: "def", key: 1, ref: { moduleUrl: "file:///x.js", name: "f" } },
      { t: "run", calls: [[1, 1, [new Date(0)], false]] },
      { t: "run", calls: [[2, 1, ["a\nb\u2028", 2.5, { deep: [[null, true]] }], false]] },
      { t: "run", calls: [[3, 1, [new Map([[1, 2n]])], false]] },
      { t: "cancel", ids: [3] },
    ];
    for (const message of sent) left.send(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(got, sent);
    assert.deepEqual(lanes, { pipe: 3, ipc: 2 });
  });

  it("reassembles a line split across reads, and lines sharing one read", () => {
    const got: unknown[] = [];
    const pipe = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
    new ProcessChannel({ ipc: () => {}, pipe, deliver: (message) => got.push(message) });
    const text = '[0,{"t":"exit"}]\n[1,{"t":"cancel","ids":[1,2]}]\n[2,{"t":"ca';
    pipe.emit("data", Buffer.from(text));
    pipe.emit("data", Buffer.from('ncel","ids":[]}]\n'));
    assert.deepEqual(got, [{ t: "exit" }, { t: "cancel", ids: [1, 2] }, { t: "cancel", ids: [] }]);
  });

  it("carries to a child process and back, whole, what JSON would change", async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    for (const [what, value, check] of awkwardValues()) {
      await assert.doesNotReject(async () => check(await pool.submit(identity, value).result()), what);
    }
  });

  it("carries them whole in a map() chunk too, and a chunk of plain items beside it", async () => {
    await using pool = new ProcessPoolExecutor({ maxWorkers: 1 });
    const values = awkwardValues();
    const results = pool.map(
      identity,
      values.map(([, value]) => value),
      { chunksize: values.length },
    );
    let index = 0;
    for await (const back of results) {
      const [what, , check] = values[index++]!;
      assert.doesNotThrow(() => check(back), what);
    }
    assert.equal(index, values.length);
    const plain = Array.from({ length: 2500 }, (_, i) => (i % 2 ? i : `s${i}`));
    const backs: unknown[] = [];
    for await (const back of pool.map(identity, plain, { chunksize: 1000 })) backs.push(back);
    assert.deepEqual(backs, plain);
  });
});
