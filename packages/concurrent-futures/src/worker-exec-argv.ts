// Which of this process's Node options a pool's workers get: the ones that shape how code
// loads and runs (--import, --require, --loader, --conditions, --experimental-*, memory and
// V8 flags), never the ones that say what the parent process itself was asked to do.
//
//   node --input-type=module -e "..."   -> a worker refuses --input-type outside -e
//   node --test / --watch / -p "..."      -> a worker would run tests, watch files, print
//   node --inspect=9229                   -> every worker would fight for the same port
//
// execArgv holds the eval text after -e/-p, so options that take a value drop it too.

/** Options dropped with their value (given as --option=value or as the next argument). */
const DROPPED_WITH_VALUE = new Set([
  "-e",
  "--eval",
  "-p",
  "--print",
  "-pe",
  "--input-type",
  "--run",
  "--watch-path",
  "--watch-kill-signal",
  "--inspect-port",
  "--debug-port",
  "--inspect-publish-uid",
]);

/** Options dropped alone. */
const DROPPED_ALONE = new Set([
  "-i",
  "--interactive",
  "-c",
  "--check",
  "--test",
  "--test-only",
  "--test-force-exit",
  "--test-update-snapshots",
  "--watch",
  "--watch-preserve-output",
  "--prof-process",
  "-",
]);

/** --test-* options that take no value; every other --test-* option takes one. */
const TEST_FLAGS_WITHOUT_VALUE = new Set(["--test-only", "--test-force-exit", "--test-update-snapshots"]);

/** The Node options a pool's child process (or thread) should start with. */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const [name, inlineValue] = splitOption(arg);
    if (DROPPED_ALONE.has(name)) continue;
    if (DROPPED_WITH_VALUE.has(name) || name.startsWith("--test-")) {
      const takesValue = DROPPED_WITH_VALUE.has(name) || !TEST_FLAGS_WITHOUT_VALUE.has(name);
      if (takesValue && inlineValue === undefined) i++;
      continue;
    }
    if (isInspect(name) && !onPortZero(inlineValue)) continue;
    kept.push(arg);
  }
  return kept;
}

function splitOption(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function isInspect(name: string): boolean {
  return name === "--inspect" || name === "--inspect-brk" || name === "--inspect-wait" || name === "--debug";
}

/** --inspect=0 (or host:0) lets each worker pick a free port: the only inspector that can be shared. */
function onPortZero(value: string | undefined): boolean {
  return value !== undefined && /(^|:)0$/.test(value);
}

/**
 * A worker thread refuses process-wide options (V8 and memory flags, --title, ...) in an
 * explicit execArgv, and names them in its error: they apply to the whole process, threads
 * included, so leaving them out loses nothing.
 */
export function withoutRejectedThreadFlags(
  execArgv: readonly string[],
  error: unknown,
): string[] | undefined {
  if ((error as { code?: string } | undefined)?.code !== "ERR_WORKER_INVALID_EXEC_ARGV") return undefined;
  const listed = String((error as Error).message)
    .split(": ")
    .slice(1)
    .join(": ");
  const rejected = new Set(listed.split(/,\s*/).filter(Boolean));
  const kept = execArgv.filter((arg) => !rejected.has(arg));
  return kept.length < execArgv.length ? kept : undefined;
}
