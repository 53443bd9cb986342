/** Deeper than any body Hearth accepts (kiosk layouts and job inputs stay under 8). */
export const MAX_JSON_DEPTH = 32;

/**
 * How deeply `text` nests objects and arrays, scanned without recursion and before parsing, so a
 * hostile body cannot overflow a stack later (structuredClone, validation, the audit scrubber).
 * Stops counting once `limit` is passed.
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
