/**
 * JSON text from a request, parsed within bounds: UTF-8 only (RFC 8259), and nested no deeper than
 * a limit, so a payload the workflow's data converter could not serialize (it recurses) is refused
 * here with a 400 instead of failing later at Temporal.
 */

/** Far above any real connection request (a nested DLS query included), far below the converter's stack. */
export const MAX_JSON_DEPTH = 64;

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJsonText(bytes: Buffer, maxDepth = MAX_JSON_DEPTH): JsonResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: 'is not valid UTF-8' };
  }
  if (nestingExceeds(text, maxDepth)) {
    return { ok: false, message: `is nested deeper than ${maxDepth} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `is not valid JSON (${(err as Error).message})` };
  }
}

/** One pass over the text counting open brackets outside strings; no recursion, so any input is safe. */
function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
