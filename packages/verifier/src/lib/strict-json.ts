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

function countMembers(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += countMembers(item);
    return count;
  }
  for (const key in value) {
    count += 1 + countMembers((value as Record<string, unknown>)[key]);
  }
  return count;
}

/**
 * {@link hasDuplicateMembers} for a text that already parsed to `value`, fast for the usual
 * case. Where the text has no backslash every `"` delimits a string, and every member name is a
 * `"` followed by optional whitespace and a `:`; counting those gives at least the number of
 * member names in the text (a string value that starts with `:` counts too). When that count
 * equals the number of members `JSON.parse` kept, none was dropped, so none repeats. Otherwise
 * the full scan decides.
 *
 * @example
 * ```ts
 * const text = '{"sub":"a","sub":"b"}';
 * repeatsMembers(text, JSON.parse(text)); // true
 * ```
 */
export function repeatsMembers(text: string, value: unknown): boolean {
  if (text.includes("\\")) return hasDuplicateMembers(text);
  let names = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) {
    let next = i + 1;
    while (next < text.length && isJsonWhitespace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 58) names++;
  }
  return names !== countMembers(value) && hasDuplicateMembers(text);
}

function isJsonWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
