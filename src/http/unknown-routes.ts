/**
 * The answer when no handler matched: 405 with `Allow` when the path is served for other methods
 * (so a client learns it used the wrong method, not a wrong path), 404 otherwise. Both leave
 * through `app.onError` like every other error.
 *
 * @example
 * ```ts
 * app.notFound(answerUnmatched(app));
 * ```
 * @module
 */
import type { Hono, NotFoundHandler } from "hono";
import { MethodNotAllowed, NotFound } from "../errors.js";

interface KnownPath {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/** A Hono path (`/v1/tokens/:id`, `/ui/*`) as an anchored regular expression. */
function patternOf(path: string): RegExp {
  const source = path
    .split(/(:\w+(?:\{[^}]*\})?|\*)/)
    .map((part) => {
      if (part === "*") return ".*";
      const param = /^:\w+(?:\{([^}]*)\})?$/.exec(part);
      if (param) return param[1] === undefined ? "[^/]+" : `(?:${param[1]})`;
      return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`);
}

const compiled = new WeakMap<object, KnownPath[]>();

/** The app's paths and their methods, compiled on first use (the app is complete by then). */
function knownPaths(app: Hono<never> | Hono): KnownPath[] {
  const cached = compiled.get(app);
  if (cached) return cached;
  const byPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue; // middleware
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
    byPath.set(route.path, methods);
  }
  const known = [...byPath].map(([path, methods]) => ({ pattern: patternOf(path), methods }));
  compiled.set(app, known);
  return known;
}

/**
 * The methods `path` is served for (sorted), or none when the path is unknown.
 *
 * @example
 * ```ts
 * allowedMethods(app, "/v1/tokens"); // ["GET", "HEAD", "POST"]
 * ```
 */
export function allowedMethods(app: Hono<never> | Hono, path: string): string[] {
  const allowed = new Set<string>();
  for (const known of knownPaths(app)) {
    if (known.pattern.test(path)) for (const method of known.methods) allowed.add(method);
  }
  return [...allowed].sort();
}

/** The app's `notFound`: throws {@link MethodNotAllowed} or {@link NotFound} to `app.onError`. */
export function answerUnmatched(app: Hono<never> | Hono): NotFoundHandler {
  return function unmatched(c) {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      throw new MethodNotAllowed(c.req.method, allowed);
    }
    throw new NotFound("No such endpoint");
  };
}
