// How `futures serve` reads each fault setting of the fault table from its command-line text;
// every bad value is a UsageError that names the flag. One parser per setting key: the type
// makes sure that a setting added to the table gets one.
import { parseInteger } from "../common/usage.ts";
import type { SettingKey } from "../server/fault-kinds.ts";
import type { FaultConfig } from "../server/options.ts";
import { parseDelay, parsePositiveSeconds, parseStatuses } from "./flag-values.ts";

type SettingParsers = { [K in SettingKey]: (text: string, flag: string) => FaultConfig[K] };

export const SETTING_PARSERS: SettingParsers = {
  statuses: parseStatuses,
  delay: parseDelay,
  hangTimeout: parsePositiveSeconds,
  throttleBytesPerSecond: (text, flag) => parseInteger(text, flag, 1),
};
