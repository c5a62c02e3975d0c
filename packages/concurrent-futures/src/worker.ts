// The worker entry of a bundled program (subpath concurrent-futures/worker). A bundle has one
// import.meta.url for all its modules, so workers cannot import a task's module by URL without
// running the whole program again. Instead the program bundles a second entry point,
//
//   import "concurrent-futures/worker";
//   import "./tasks.js"; // every module whose tasks the pools run
//
// passes its URL to the pools (workerUrl), and the worker finds each task by its name among
// the tasks those modules made (task.ts).
import { resolveTasksByName } from "./task.ts";
import "./worker-loop.ts";

resolveTasksByName();
