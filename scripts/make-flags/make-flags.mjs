/* global console, URL */
// Regenerates the flag data set in packages/futures-cli/data/: country_codes.txt and, for each code,
// flags/{cc}/{cc}.gif plus flags/{cc}/metadata.json, in the layout of the book's flag server.
// Run from this folder: `npm install && npm run make`. The output is committed, so nobody
// else needs sharp or these packages.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import countries from "i18n-iso-countries";
import sharp from "sharp";

const require = createRequire(import.meta.url);
const dataDir = fileURLToPath(new URL("../../packages/futures-cli/data/", import.meta.url));
const svgDir = fileURLToPath(new URL("./node_modules/svg-country-flags/svg/", import.meta.url));
countries.registerLocale(require("i18n-iso-countries/langs/en.json"));

// The 194 codes of the book's country_codes.txt (Fluent Python, "Concurrency with futures"):
// the sovereign states the book's server had flags for. Kept verbatim, TW included.
const BOOK_CODES = `
AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT
BW BY BZ CA CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DZ EC EE
EG ER ES ET FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID
IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK
LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA
NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB
SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR
TT TV TW TZ UA UG US UY UZ VA VC VE VN VU WS YE ZA ZM ZW`;

const WIDTH = 400;
const CODES_PER_LINE = 25; // the book's file has 25 codes per line
// The United Kingdom's country-code top-level domain is .uk, not .gb.
const TLD_EXCEPTIONS = { GB: ".uk" };

const codes = BOOK_CODES.trim().split(/\s+/).sort();

await rm(`${dataDir}flags`, { recursive: true, force: true });
for (const cc of codes) {
  const dir = `${dataDir}flags/${cc.toLowerCase()}`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/${cc.toLowerCase()}.gif`, await renderGif(cc));
  const metadata = {
    iso_cc: cc,
    country: countryName(cc),
    tld_cc: TLD_EXCEPTIONS[cc] ?? `.${cc.toLowerCase()}`,
  };
  await writeFile(`${dir}/metadata.json`, JSON.stringify(metadata) + "\n");
}
await writeFile(`${dataDir}country_codes.txt`, lines(codes).join("\n") + "\n");
console.log(`wrote ${codes.length} flags to ${dataDir}flags`);

/** Render the public-domain SVG at WIDTH pixels wide, on white, as a GIF89a. */
async function renderGif(cc) {
  const svg = await readFile(`${svgDir}${cc.toLowerCase()}.svg`);
  // Some SVGs declare huge sizes; rasterise at the density that gives WIDTH pixels directly,
  // so thin lines stay crisp instead of being scaled down from a giant bitmap.
  const { width } = await sharp(svg, { limitInputPixels: false }).metadata();
  const density = (72 * WIDTH) / width;
  return sharp(svg, { density, limitInputPixels: false })
    .resize({ width: WIDTH })
    .flatten({ background: "#ffffff" })
    .gif({ effort: 10 })
    .toBuffer();
}

/** The English short name: the first listed name that is not an inverted ISO form ("Moldova, Republic of"). */
function countryName(cc) {
  const names = countries.getName(cc, "en", { select: "all" });
  if (!names?.length) throw new Error(`no English name for ${cc}`);
  return names.find((name) => !name.includes(",")) ?? names[0];
}

function lines(items) {
  const result = [];
  for (let i = 0; i < items.length; i += CODES_PER_LINE)
    result.push(items.slice(i, i + CODES_PER_LINE).join(" "));
  return result;
}
