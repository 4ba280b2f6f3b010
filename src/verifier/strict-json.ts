/**
 * Duplicate member detection. `JSON.parse` keeps the last of duplicate members silently, and
 * other parsers keep the first, so a token whose header or claims repeat a name means different
 * things to different verifiers. tokenmint refuses such tokens (RFC 7515 section 4, RFC 8725).
 * @module
 */

/**
 * True when any object in the (already valid) JSON text repeats a member name.
 *
 * @example
 * ```ts
 * hasDuplicateMembers('{"sub":"a","sub":"b"}'); // true
 * ```
 */
export function hasDuplicateMembers(json: string): boolean {
  // One entry per open container: the member names seen so far, or null for an array.
  const open: Array<Set<string> | null> = [];
  let expectName = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === '"') {
      let end = i + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      const names = open.at(-1);
      if (expectName && names) {
        const name = JSON.parse(json.slice(i, end + 1)) as string;
        if (names.has(name)) return true;
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (ch === "{") {
      open.push(new Set());
      expectName = true;
    } else if (ch === "[") {
      open.push(null);
      expectName = false;
    } else if (ch === "}" || ch === "]") {
      open.pop();
      expectName = false;
    } else if (ch === ",") {
      expectName = open.at(-1) instanceof Set;
    }
  }
  return false;
}
