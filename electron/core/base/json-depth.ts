/** Deeper than this, a message is refused: real MCP messages nest a few dozen levels; JSON tools recurse. */
export const MAX_DEPTH = 512;
/**
 * The deepest nesting of arrays and objects in a JSON text, counted without parsing (strings skipped). Stops
 * counting once past `limit`.
 */
export function nestingDepth(text: string, limit = MAX_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++; // a backslash escapes the next character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return deepest;
}
