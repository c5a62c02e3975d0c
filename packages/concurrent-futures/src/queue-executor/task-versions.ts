// Which versions of a task's package a worker accepts: a job names its task with the version of
// the producer's package (task-address.ts), and a queue's workers are upgraded one at a time.
/**
 * Whether a worker with version `mine` of a package runs a task sent by version `theirs`: the
 * rule of npm's caret ranges, so that a queue's workers can be upgraded one at a time. Same
 * major version from 1.0.0 on; before it, same minor (0.y), and for 0.0.z the same version,
 * as 0.x releases may break at every minor. A pre-release or build suffix is not compared; a
 * version that is not semver must match exactly.
 */
export function compatibleVersions(mine: string, theirs: string): boolean {
  const a = semver(mine);
  const b = semver(theirs);
  if (!a || !b) return mine === theirs;
  if (a[0] !== b[0]) return false;
  if (a[0] > 0) return true;
  if (a[1] !== b[1]) return false;
  return a[1] > 0 || a[2] === b[2];
}

/** The versions a worker of `version` accepts, as a range to print: "1.x", "0.4.x" or exact. */
export function acceptedRange(version: string): string {
  const parts = semver(version);
  if (!parts) return version;
  const [major, minor] = parts;
  if (major > 0) return `${major}.x`;
  return minor > 0 ? `0.${minor}.x` : version;
}

function semver(version: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}
