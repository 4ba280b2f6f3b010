/**
 * The issuer's metrics: what it minted and revoked, how exact token checks ended (by reason),
 * introspection answers, store (Redis) latency, HTTP requests, and the age of each signing key.
 *
 * Metrics belong to one issuer context: {@link instrumentIssuer} returns a copy of the context
 * whose store is timed and registers the metrics for it, and the domain code reports through
 * `note…` functions that do nothing for a context without metrics (`TOKENMINT_METRICS` off, or
 * background jobs that use the uninstrumented context). No global state, so tests and several
 * issuers in one process never mix their counts.
 *
 * @example
 * ```ts
 * const instrumented = instrumentIssuer(ctx);   // when TOKENMINT_METRICS=true
 * noteMinted(instrumented, "mint", "pat");
 * const text = await metricsOf(instrumented)?.registry.render();
 * ```
 * @module
 */
import { epochSeconds } from "../clock.js";
import type { IssuerContext } from "../context.js";
import type { TokenState } from "../store/types.js";
import { type Counter, createRegistry, type Histogram, type Registry } from "./registry.js";
import { timeStore } from "./timed-store.js";

/** The issuer's metric families. */
export interface IssuerMetrics {
  readonly registry: Registry;
  readonly minted: Counter;
  readonly stateChanges: Counter;
  readonly checks: Counter;
  readonly introspections: Counter;
  readonly storeDuration: Histogram;
  readonly storeErrors: Counter;
  readonly requests: Counter;
  readonly requestDuration: Histogram;
}

const byContext = new WeakMap<IssuerContext, IssuerMetrics>();

/** Latency buckets (seconds) for store operations: Redis answers in well under a millisecond. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Audit reasons that come from code (anything else, e.g. a mass revocation's free text, is `other`). */
const KNOWN_REASONS = new Set([
  "api",
  "self",
  "rfc7009",
  "rotation",
  "lost_rotation_race",
  "reuse_detected",
  "mass_revocation",
  "web_ui",
  "mint",
  "self_service",
  "leaked",
  "unused",
  "approved",
  "denied",
]);

function boundedReason(reason: string): string {
  return KNOWN_REASONS.has(reason) ? reason : "other";
}

function createIssuerMetrics(ctx: IssuerContext): IssuerMetrics {
  const registry = createRegistry();
  const metrics: IssuerMetrics = {
    registry,
    minted: registry.counter(
      "tokenmint_tokens_minted_total",
      "Tokens minted, by reason (mint, self_service, rotation) and kind.",
      ["reason", "kind"],
    ),
    stateChanges: registry.counter(
      "tokenmint_token_state_changes_total",
      "Token state changes (revoked, rotated, suspended, active, pending), by reason: pending counts tokens minted into the approval queue, approved and denied its decisions.",
      ["state", "reason"],
    ),
    checks: registry.counter(
      "tokenmint_token_checks_total",
      "Exact token checks (bearer authentication and introspection), by result: valid or the failure code.",
      ["result"],
    ),
    introspections: registry.counter(
      "tokenmint_introspections_total",
      "RFC 7662 introspection answers, by active.",
      ["active"],
    ),
    storeDuration: registry.histogram(
      "tokenmint_store_operation_duration_seconds",
      "Duration of state store (Redis) operations, by operation.",
      ["operation"],
      STORE_BUCKETS,
    ),
    storeErrors: registry.counter(
      "tokenmint_store_errors_total",
      "State store (Redis) operations that failed, by operation.",
      ["operation"],
    ),
    requests: registry.counter(
      "tokenmint_http_requests_total",
      "HTTP requests, by method, route pattern and status.",
      ["method", "route", "status"],
    ),
    requestDuration: registry.histogram(
      "tokenmint_http_request_duration_seconds",
      "HTTP request duration, by method and route pattern.",
      ["method", "route"],
      HTTP_BUCKETS,
    ),
  };
  registry.gauge(
    "tokenmint_signing_key_age_seconds",
    "Age of each signing key since it was created, by kid and state.",
    async () => {
      const now = epochSeconds(ctx.clock);
      const { keys } = await ctx.store.readKeyring();
      return keys.map((key) => ({
        labels: { kid: key.kid, state: key.state },
        value: now - key.createdAt,
      }));
    },
  );
  registry.gauge(
    "tokenmint_active_signing_key_age_seconds",
    "Seconds since the active signing key started signing.",
    async () => {
      const now = epochSeconds(ctx.clock);
      const { keys } = await ctx.store.readKeyring();
      const active = keys.find((key) => key.state === "active");
      return active ? [{ labels: {}, value: now - (active.activatedAt ?? active.createdAt) }] : [];
    },
  );
  return metrics;
}

/**
 * A copy of `ctx` whose store operations are timed, with metrics registered for it. Pass the
 * copy to everything that should report.
 */
export function instrumentIssuer(ctx: IssuerContext): IssuerContext {
  const plain = createIssuerMetrics(ctx);
  const instrumented: IssuerContext = {
    ...ctx,
    store: timeStore(ctx.store, {
      observe: (operation, seconds) => plain.storeDuration.observe({ operation }, seconds),
      failed: (operation) => plain.storeErrors.inc({ operation }),
    }),
  };
  byContext.set(instrumented, plain);
  return instrumented;
}

/** The metrics of an instrumented context, if any. */
export function metricsOf(ctx: IssuerContext): IssuerMetrics | undefined {
  return byContext.get(ctx);
}

/** A token of `kind` (a configured kind: a bounded label) was minted (`reason`: mint, self_service, rotation). */
export function noteMinted(ctx: IssuerContext, reason: string, kind: string): void {
  byContext.get(ctx)?.minted.inc({ reason: boundedReason(reason), kind });
}

/** An RFC 7662 introspection answered `active`. */
export function noteIntrospection(ctx: IssuerContext, active: boolean): void {
  byContext.get(ctx)?.introspections.inc({ active: String(active) });
}

/** A token changed state. */
export function noteStateChange(ctx: IssuerContext, state: TokenState, reason: string): void {
  byContext.get(ctx)?.stateChanges.inc({ state, reason: boundedReason(reason) });
}

/**
 * Wraps an exact token check so that its result is counted: `valid`, or the failure's stable
 * code (`token_revoked`, `token_expired`, `signature_invalid`, `store_unavailable`…).
 */
export function measureChecks<A extends unknown[], R>(
  check: (ctx: IssuerContext, ...args: A) => Promise<R>,
): (ctx: IssuerContext, ...args: A) => Promise<R> {
  return async function measuredCheck(ctx, ...args) {
    const metrics = byContext.get(ctx);
    try {
      const result = await check(ctx, ...args);
      metrics?.checks.inc({ result: "valid" });
      return result;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      metrics?.checks.inc({ result: typeof code === "string" ? code : "error" });
      throw error;
    }
  };
}
