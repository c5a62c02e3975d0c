// The no-op task for piscina and tinypool, which load a worker file's default export.
export default function noop() {
  return undefined;
}
