// Plain data: what JSON carries exactly, as V8 serialization would. Values of this kind can
// skip V8 serialization, which costs several times more CPU than JSON for the small values
// most calls send (the process channel and the queue's payloads both use this).

/**
 * Arrays the library built itself (a map() chunk, a chunk's results), which no one else can
 * reach to give keys beyond their indices: their own keys need no count. Object.keys() on a
 * chunk of 1000 items was three quarters of the check's time, and garbage besides.
 */
const builtHere = new WeakSet<unknown[]>();

/** Mark an array that the library made and never hands out. */
export function builtArray<T>(array: T[]): T[] {
  builtHere.add(array);
  return array;
}

/** isPlainData(), false where a getter throws: V8 serialization then says what went wrong. */
export function plainData(value: unknown, depth?: number): boolean {
  try {
    return isPlainData(value, depth);
  } catch {
    return false;
  }
}

/**
 * Whether JSON carries `value` exactly, as V8 serialization would: strings, booleans, null,
 * finite numbers other than -0, and dense arrays and plain objects of those, at most `depth`
 * levels deep. Anything else (undefined, -0, NaN, class instances, arrays with holes or extra
 * keys, "__proto__" keys) takes the V8 path.
 */
function isPlainData(value: unknown, depth = 8): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth === 0) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainData(value[i], depth - 1)) return false;
    }
    return builtHere.has(value) || Object.keys(value).length === value.length;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key === "__proto__") return false;
    if (!isPlainData((value as Record<string, unknown>)[key], depth - 1)) return false;
  }
  return true;
}
