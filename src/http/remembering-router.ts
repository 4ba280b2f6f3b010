/**
 * The app's router: hono's `TrieRouter` (its `RegExpRouter` refuses this API's paths, a static
 * segment beside a parameter such as `/v1/tokens/self` and `/v1/tokens/{id}`, so hono's default
 * `SmartRouter` falls back to the trie anyway), with the answers for recent method and path pairs
 * remembered. The routes are fixed once the app serves, so an answer never changes; matching a
 * path in the trie costs several microseconds, about a twentieth of a whole cheap request.
 *
 * @example
 * ```ts
 * const app = new Hono({ router: rememberingRouter() });
 * ```
 * @module
 */
import type { Result, Router } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";

/** At most this many answers are kept; all are forgotten past it. */
const REMEMBERED = 1024;
/** Longer paths are matched every time (a token pasted into a path is never kept). */
const LONGEST_REMEMBERED_PATH = 128;

/**
 * A router that remembers the answers of `router` (default: a new `TrieRouter`).
 *
 * @example
 * ```ts
 * const app = new Hono({ router: rememberingRouter() });
 * ```
 */
export function rememberingRouter<T>(router: Router<T> = new TrieRouter<T>()): Router<T> {
  const answers = new Map<string, Map<string, Result<T>>>();
  let size = 0;
  const forget = () => {
    answers.clear();
    size = 0;
  };
  return {
    name: `remembering ${router.name}`,
    add(method, path, handler) {
      router.add(method, path, handler);
      forget();
    },
    match(method, path) {
      let byPath = answers.get(method);
      const known = byPath?.get(path);
      if (known) return known;
      const answer = router.match(method, path);
      if (path.length <= LONGEST_REMEMBERED_PATH) {
        if (size >= REMEMBERED) forget();
        if (!byPath || size === 0) {
          byPath = answers.get(method) ?? new Map();
          answers.set(method, byPath);
        }
        byPath.set(path, answer);
        size += 1;
      }
      return answer;
    },
  };
}
