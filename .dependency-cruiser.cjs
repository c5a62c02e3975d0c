// The import rules of the two packages, checked by `npm run lint`: no import circle, and no
// import that runs up a floor.
//
// concurrent-futures: the core in src/ sits below the queue executor in src/queue-executor/,
// and the library never imports the applications.
//
// futures-cli, from the bottom floor up (a folder may import its own floor and those below):
//   0  common/                                       helpers every part shares
//   1  cpu/ flags/ server/ executors/ observe/       the kernels and jobs, the downloader,
//                                                    the flag server, the executor catalogue,
//                                                    the trace file and the dashboard
//   2  cpu-commands/ flags-command/ serve-command/   the subcommands, the bench and the demos
//      worker-command/ status-command/ dashboard-command/ bench/ demos/
//   3  cli/                                          the entry
const CLI = "^packages/futures-cli/src/";
const FLOORS = [
  ["common"],
  ["cpu", "flags", "server", "executors", "observe"],
  [
    "cpu-commands",
    "flags-command",
    "serve-command",
    "worker-command",
    "status-command",
    "dashboard-command",
    "bench",
    "demos",
  ],
  ["cli"],
];

const folders = (names) => `${CLI}(${names.join("|")})/`;

/** One rule per floor: nothing on it imports a folder of a floor above it. */
const floorRules = FLOORS.slice(0, -1).map((floor, level) => ({
  name: `futures-cli-floor-${level}-${floor.join("-")}`,
  comment: `${floor.join(", ")} (floor ${level}) must not import a folder of a higher floor`,
  severity: "error",
  from: { path: folders(floor) },
  to: { path: folders(FLOORS.slice(level + 1).flat()) },
}));

/** Every folder of src/ has its floor: a new one must be given one here. */
const everyFolderHasAFloor = {
  name: "futures-cli-folder-without-floor",
  comment: "a folder of packages/futures-cli/src must be placed on a floor in .dependency-cruiser.cjs",
  severity: "error",
  from: { path: CLI, pathNot: folders(FLOORS.flat()) },
  to: {},
};

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "no import circle in either package",
      severity: "error",
      from: { path: "^packages/" },
      to: { circular: true },
    },
    {
      name: "library-core-below-queue",
      comment: "the library's core (files directly in src/) must not import src/queue-executor/",
      severity: "error",
      from: { path: "^packages/concurrent-futures/src/[^/]+$" },
      to: { path: "^packages/concurrent-futures/src/queue-executor/" },
    },
    {
      name: "library-never-imports-the-cli",
      comment: "concurrent-futures must not import futures-cli",
      severity: "error",
      from: { path: "^packages/concurrent-futures/" },
      to: { path: "^packages/futures-cli/" },
    },
    {
      name: "futures-cli-server-has-no-command-line",
      comment: "the flag server (published as futures-cli/server) must not import command-line code",
      severity: "error",
      from: { path: `${CLI}server/` },
      to: { path: [`${CLI}common/usage\\.ts$`, "(^|/)node_modules/commander/"] },
    },
    ...floorRules,
    everyFolderHasAFloor,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|node_modules)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["futures-source", "import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
