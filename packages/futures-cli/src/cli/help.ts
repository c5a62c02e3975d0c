// How every `--help` of `futures` reads: at most 80 columns (fewer on a narrower terminal), a
// synopsis of all the options on the Usage line of each command (the README shows the same
// lines), and defaults and choices as one types them: `(default: 5)`, never `(default: "5")`.
import type * as Commander from "commander";

/** The widest a help line gets, whatever the terminal. */
export const HELP_WIDTH = 80;

/** Commander's Help, told the above: give it to the program's configureHelp(). */
export const helpConfiguration: Partial<Commander.Help> = {
  prepareContext(this: Commander.Help, context: { helpWidth?: number }) {
    this.helpWidth = Math.min(HELP_WIDTH, context.helpWidth ?? HELP_WIDTH);
  },

  commandUsage(this: Commander.Help, command: Commander.Command): string {
    const path = commandPath(command);
    // A command with subcommands keeps commander's short form: `futures demo [options] [command]`.
    if (command.commands.length > 0) return `${path} ${command.usage()}`;
    const terms = [
      ...command.registeredArguments.map(argumentSynopsis),
      ...this.visibleOptions(command)
        .filter((option) => option.long !== "--help")
        .map(optionSynopsis),
    ];
    return wrapTerms(path, terms, this.helpWidth ?? HELP_WIDTH);
  },

  optionDescription(option: Commander.Option): string {
    // As commander decides: a boolean flag's implied `false` is not worth a mention.
    const shown = option.required || option.optional || typeof option.defaultValue === "boolean";
    return describe(
      option.description,
      option.argChoices,
      shown ? (option.defaultValueDescription ?? option.defaultValue) : undefined,
    );
  },

  argumentDescription(argument: Commander.Argument): string {
    return describe(
      argument.description,
      argument.argChoices,
      argument.defaultValueDescription ?? argument.defaultValue,
    );
  },
};

function commandPath(command: Commander.Command): string {
  const names: string[] = [];
  for (let c: Commander.Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** `CC...` as `[CC...]`: brackets when it may be left out. */
function argumentSynopsis(argument: Commander.Argument): string {
  const name = `${argument.name()}${argument.variadic ? "..." : ""}`;
  return argument.required ? name : `[${name}]`;
}

/** `-l, --limit <N>` as `[-l|--limit N]`; a required option without brackets. */
function optionSynopsis(option: Commander.Option): string {
  const names = [option.short, option.long].filter(Boolean).join("|");
  const value = option.argChoices?.join("|") ?? /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
  const term = value === undefined ? names : `${names} ${option.optional ? `[${value}]` : value}`;
  return option.mandatory ? term : `[${term}]`;
}

/**
 * `path` and its terms, wrapped within `width` columns counting the "Usage: " that commander
 * prints first, each line after the first lined up under the first term.
 */
function wrapTerms(path: string, terms: string[], width: number): string {
  const indent = " ".repeat("Usage: ".length + path.length + 1);
  const lines = [path];
  let column = "Usage: ".length + path.length; // where the last line ends
  for (const term of terms) {
    if (column + 1 + term.length > width && column > indent.length) {
      lines.push(`${indent}${term}`);
      column = indent.length + term.length;
    } else {
      lines[lines.length - 1] += ` ${term}`;
      column += 1 + term.length;
    }
  }
  return lines.join("\n");
}

/** A description with its choices and default after it, as typed on the command line. */
function describe(description: string, choices: readonly string[] | undefined, value: unknown): string {
  const extras = [];
  if (choices) extras.push(`choices: ${choices.join(", ")}`);
  if (value !== undefined) extras.push(`default: ${Array.isArray(value) ? value.join(" ") : String(value)}`);
  if (extras.length === 0) return description;
  return description ? `${description} (${extras.join("; ")})` : `(${extras.join("; ")})`;
}
