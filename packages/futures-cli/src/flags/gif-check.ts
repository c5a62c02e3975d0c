// Is the body of a 200 a GIF? The six bytes every GIF opens with decide, not the Content-Type:
// they are what would be saved as {cc}.gif.
//
// The signature is the check because it is the truth about the file: an HTML error page or a
// login portal sent with 200 (and often labelled image/gif by a careless proxy) fails it,
// while a real GIF that a plain static server labels application/octet-stream passes. The
// Content-Type only names what came instead, in the error ("not a GIF: text/html"), escaped:
// the server chose it.
import { printable } from "../common/printable.ts";

const SIGNATURES = ["GIF87a", "GIF89a"];

/** Why `body` is not a GIF, or undefined when it is one. */
export function notGifReason(body: Buffer, contentType: string | undefined): string | undefined {
  const head = body.toString("latin1", 0, 6);
  if (SIGNATURES.includes(head)) return undefined;
  if (body.length === 0) return "not a GIF: empty body";
  // "text/html; charset=utf-8" is text/html: parameters and case do not matter.
  const mediaType = contentType?.split(";")[0]!.trim().toLowerCase();
  if (!mediaType) return "not a GIF: no Content-Type, and no GIF signature";
  if (mediaType === "image/gif") return "not a GIF: image/gif without the GIF87a or GIF89a signature";
  return `not a GIF: ${printable(mediaType, 100)}`;
}
