/**
 * The cron trigger (`[triggers] crons` in `wrangler.toml`): scheduled key maintenance, then the
 * sweep of expiry notices and unused-token cleanup, then one webhook delivery pass. It opens the
 * issuer context in its own request scope and runs {@link rotateSigningKeysHook}, the same
 * scheduled key rotation the Node server runs every minute, and the same sweeps (their claims make
 * each notice and revocation unique). Workers cannot resolve host names, so webhook targets are
 * checked by name and IP literal only.
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
import { runScheduledKeyRotation } from "../keys/rotation.js";
import { randomId } from "../random.js";
import { sweepExpiryNotices } from "../tokens/expiry-notices.js";
import { sweepUnusedTokens } from "../tokens/unused-tokens.js";
import { runWebhookPass } from "../webhooks/delivery-pass.js";
import type { WorkerRuntime } from "./runtime.js";

/**
 * One tick of key maintenance: makes sure a key is active and a `next` key is published, rotates
 * when the period is due, and drops retired and revoked keys whose time has passed. Safe when
 * several isolates run it at once (every change is a compare-and-set in Redis).
 */
export async function rotateSigningKeysHook(issuer: IssuerContext): Promise<void> {
  await runScheduledKeyRotation(issuer);
}

/** This isolate's name in the webhook consumer group (drawn in a handler: not at global scope). */
let consumer: string | undefined;

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
      const expiryNotices = await sweepExpiryNotices(issuer);
      const unused = await sweepUnusedTokens(issuer);
      logger.info("keys.maintenance", {
        cron: controller.cron,
        scheduled_at: new Date(controller.scheduledTime).toISOString(),
        active_kid: kid,
        expiry_notices: expiryNotices,
        unused_notices: unused.notices,
        unused_revoked: unused.revoked,
        ms: Date.now() - started,
      });
      consumer ??= `worker-${randomId(6)}`;
      const webhooks = await runWebhookPass(issuer, { consumer });
      logger.info("webhooks.pass", { cron: controller.cron, ...webhooks });
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
