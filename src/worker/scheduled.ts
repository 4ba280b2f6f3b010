/**
 * The cron trigger (`[triggers] crons` in `wrangler.toml`): scheduled key maintenance. It opens
 * the issuer context in its own request scope (which makes sure an active signing key exists) and
 * then calls {@link rotateSigningKeysHook}, the one place where scheduled key rotation plugs in.
 * A failure rejects, so the run shows as failed in the Worker's cron metrics and logs.
 *
 * @example
 * ```ts
 * export default {
 *   scheduled: (controller, env, ctx) => runScheduledMaintenance(runtime, controller, ctx),
 * };
 * ```
 * @module
 */
import type { IssuerContext } from "../context.js";
import type { WorkerRuntime } from "./runtime.js";

/**
 * HOOK for scheduled key rotation. Today it only makes sure an active signing key exists (the
 * store is re-read, so a key removed since the isolate started is replaced). When
 * `src/keys/rotation.ts` lands, call its rotation function here, e.g.
 * `await rotateSigningKeys(issuer)`; it must be safe when several isolates run it at once.
 */
export async function rotateSigningKeysHook(issuer: IssuerContext): Promise<void> {
  await issuer.keyring.ensureActiveKey();
}

/**
 * Runs one cron-triggered maintenance pass.
 *
 * @throws whatever the maintenance throws (e.g. `StoreUnavailable`), after logging it.
 */
export async function runScheduledMaintenance(
  runtime: WorkerRuntime,
  controller: Pick<ScheduledController, "cron" | "scheduledTime">,
  ctx: ExecutionContext,
): Promise<void> {
  const { logger } = runtime;
  const started = Date.now();
  try {
    await runtime.withContext(ctx, async (issuer) => {
      await rotateSigningKeysHook(issuer);
      const { kid } = await issuer.keyring.signingKey();
      logger.info("keys.maintenance", {
        cron: controller.cron,
        scheduled_at: new Date(controller.scheduledTime).toISOString(),
        active_kid: kid,
        ms: Date.now() - started,
      });
    });
  } catch (error) {
    logger.error("keys.maintenance_failed", {
      cron: controller.cron,
      error: error instanceof Error ? error.name : "Error",
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}
