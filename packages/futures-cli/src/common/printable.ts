// Text from outside (a server's headers, a redirect's target), made safe to print: a terminal
// obeys the controls in what it prints (ESC and the 8-bit C1 controls such as CSI U+009B clear
// and rewrite the screen, bidi overrides reorder text), and --json leaves C1 and bidi as they
// are. Every control, format, private or unassigned code point, and every line or paragraph
// separator, is shown as a visible escape (`\x9b`, `\u202e`). The CLI's copy of the library's
// escaper for text from Redis, which the library does not export.

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
