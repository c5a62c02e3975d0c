// Which country codes to download: the book's rules for CC arguments, -a, -e and -l.
import { readFileSync } from "node:fs";

/** The 20 most populous countries: what is downloaded when nothing else is asked for. */
export const POP20_CC = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR".split(" ");

const A_Z = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// src/flags/ and dist/flags/ are both two levels below the package root, next to data/.
const COUNTRY_CODES_URL = new URL("../../data/country_codes.txt", import.meta.url);

/** The codes the flag server has flags for (data/country_codes.txt of the package). */
export function readCountryCodes(): string[] {
  return readFileSync(COUNTRY_CODES_URL, "utf8").split(/\s+/).filter(Boolean);
}

/** Every possible two-letter code, AA to ZZ. */
export function everyCode(): string[] {
  return [...A_Z].flatMap((first) => [...A_Z].map((second) => first + second));
}

export interface CodeSelection {
  /** -e: AA..ZZ; beats everything else. */
  every?: boolean;
  /** -a: the codes of country_codes.txt; beats CC arguments. */
  all?: boolean;
  /** CC arguments: codes (BR) or first letters (B means BA..BZ). */
  args?: readonly string[];
  /** -l: keep the first N codes after sorting. */
  limit?: number;
}

/** Sorted, unique codes cut by `limit`; the 20 most populous when nothing is selected. */
export function selectCodes({ every = false, all = false, args = [], limit }: CodeSelection): string[] {
  const fromArgs = expandCcArgs(args);
  const codes = new Set(every ? everyCode() : all ? readCountryCodes() : fromArgs);
  const chosen = codes.size > 0 ? codes : POP20_CC;
  return [...chosen].sort().slice(0, limit);
}

/** Expand CC arguments; anything but a letter or a pair of letters is a usage error. */
export function expandCcArgs(args: readonly string[]): string[] {
  const codes: string[] = [];
  for (const arg of args) {
    const cc = arg.toUpperCase();
    if (/^[A-Z]$/.test(cc)) codes.push(...[...A_Z].map((second) => cc + second));
    else if (/^[A-Z]{2}$/.test(cc)) codes.push(cc);
    else throw new RangeError(`each CC argument must be A to Z or AA to ZZ, got '${arg}'`);
  }
  return codes;
}
