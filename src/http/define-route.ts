/**
 * One route table: each handler is registered together with the OpenAPI operation it serves, and
 * the document is read back from the app's own routes, so a route cannot be served undocumented
 * or documented unserved.
 *
 * @example
 * ```ts
 * defineRoute(routes, { method: "get", path: "/healthz", operationId: "getHealth", ... },
 *   (c) => c.json({ status: "ok" }));
 * const document = buildOpenApiDocument(operationsOf(app), options);
 * ```
 * @module
 */
import type { Context, Env, Handler, Hono, MiddlewareHandler } from "hono";
import type { Operation } from "../openapi/operation.js";

const declared = new WeakMap<object, Operation>();

/** Hono's spelling of an OpenAPI path: `/v1/tokens/{id}` → `/v1/tokens/:id`. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

/**
 * Registers `handler` (after `middleware`, if any) for the operation's method and path on
 * `routes`, which must be mounted at `/` (paths are full).
 *
 * @example
 * ```ts
 * defineRoute(routes, SHOW_TOKEN, async (c) => c.json(await show(c.req.param("id"))));
 * defineRoute(routes, MOVE_ORG, [authenticate(ctx, { clients: true })], async (c) => { ... });
 * ```
 */
export function defineRoute<E extends Env>(
  routes: Hono<E>,
  operation: Operation,
  ...args: [Handler<E>] | [readonly MiddlewareHandler<E>[], Handler<E>]
): void {
  const [middleware, handler] = args.length === 1 ? [[], args[0]] : args;
  declared.set(handler, operation);
  routes.on(operation.method.toUpperCase(), [honoPath(operation.path)], ...middleware, handler);
}

/**
 * A path parameter of the matched route; the operation's path declares it, so it is there.
 *
 * @example
 * ```ts
 * const id = pathParam(c, "id");
 * ```
 */
export function pathParam(c: Context, name: string): string {
  return c.req.param(name) ?? "";
}

/** The operations an app serves, in the order they were registered. */
export function operationsOf(app: Hono<never> | Hono): Operation[] {
  const seen = new Set<Operation>();
  for (const route of app.routes) {
    const operation = declared.get(route.handler);
    if (operation) seen.add(operation);
  }
  return [...seen];
}
