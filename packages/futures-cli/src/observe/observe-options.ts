// The options that let a person see a command's calls: `--trace FILE` (a Chrome trace once the
// run ends) and `--dashboard [PORT]` (a live page while it runs), on every command that runs
// calls on an executor.
import type { Command } from "commander";
import { dashboardOption, withDashboard } from "./dashboard-option.ts";
import { traceOption, withTrace } from "./trace-option.ts";

export interface ObserveFlags {
  trace?: string | undefined;
  dashboard?: string | true | undefined;
}

export function addObserveOptions(command: Command): Command {
  return command.addOption(traceOption()).addOption(dashboardOption());
}

/** Run the work of `futures NAME` with the observers its flags ask for. */
export function observed<T>(name: string, flags: ObserveFlags, work: () => Promise<T>): Promise<T> {
  // The page is titled by the command's name alone: its arguments may hold a password.
  return withTrace(flags.trace, () => withDashboard(flags.dashboard, `futures ${name}`, work));
}
