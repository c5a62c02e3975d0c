// Choices that the help and the Usage synopsis show for an option whose value the command
// checks itself (in any case, or with its own message), not commander.
import type { Option } from "commander";

/** `option`, with `names` shown as its choices: `-x|--executor a|b|c`, `(choices: a, b, c; ...)`. */
export function withShownChoices(option: Option, names: readonly string[]): Option {
  option.argChoices = [...names];
  return option;
}
