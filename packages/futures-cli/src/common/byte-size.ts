// Sizes for people, 1024-based as Redis and the bench report count them.

/** `bytes` in KiB below a mebibyte, in MiB from there, one decimal. */
export function byteSize(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 10).toFixed(1)} KiB`;
}
