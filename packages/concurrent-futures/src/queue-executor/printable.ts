// Text read from Redis, made safe to print: anyone who can write to Redis chooses it, and a
// terminal obeys the escape sequences in what it prints (ESC and C1 controls rewrite lines,
// OSC sets titles and links, bidi overrides reorder text). Every control, format, private or
// unassigned code point, and every line or paragraph separator, is shown as an escape
// (`\x1b`, `\u202e`): visible, so that a forgery looks like one. The result is capped too.

const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/gu;

function escaped(char: string): string {
  const code = char.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\u{${code.toString(16)}}`;
}

/** `text` with its unprintable characters escaped, cut to `max` characters ("..." at the end). */
export function printable(text: string, max: number): string {
  const shown = text.replace(UNPRINTABLE, escaped);
  if (shown.length <= max) return shown;
  // Cut between code points, never inside a surrogate pair.
  return `${Array.from(shown.slice(0, max - 2))
    .slice(0, -1)
    .join("")}...`;
}
