/**
 * KEK rotation for webhook secrets: re-encrypts the secret of every API-defined webhook under the
 * newest KEK (the first of `TOKENMINT_KEK`), as `npm run rekey` does for private signing keys.
 * Every secret not yet under the newest KEK is decrypted before anything is written, so a secret
 * whose KEK is not configured stops the run with nothing changed. Each webhook is then replaced
 * by compare-and-set, so one changed or deleted meanwhile is read again (or left deleted), and
 * the run is safe while issuers serve the admin API.
 *
 * @example
 * ```ts
 * const rekey = await prepareWebhookRekey(store, await importKeks([newKek, oldKek]));
 * const { rekeyed } = await rekey();
 * ```
 * @module
 */
import { isUnderNewestKek, type KekRing } from "../keys/kek.js";
import type { StoredWebhook, WebhookStore } from "../store/types.js";
import { openWebhookSecret, sealWebhookSecret } from "./secret.js";

/** What a webhook rekey did. */
export interface WebhookRekeyResult {
  /** Webhooks whose secret is now re-encrypted under the newest KEK. */
  readonly rekeyed: readonly string[];
  /** Webhooks whose secret already was. */
  readonly current: readonly string[];
}

type RekeyStore = Pick<WebhookStore, "listWebhooks" | "replaceWebhook">;

const ATTEMPTS = 5;

/** Each webhook not under the newest KEK, with its secret sealed again. @throws naming the webhook */
async function reseal(
  hooks: readonly StoredWebhook[],
  keks: KekRing,
): Promise<{ current: string[]; changes: [StoredWebhook, StoredWebhook][] }> {
  const current: string[] = [];
  const changes: [StoredWebhook, StoredWebhook][] = [];
  for (const hook of hooks) {
    if (isUnderNewestKek(hook.secretJwe, keks)) {
      current.push(hook.id);
      continue;
    }
    let secret: string;
    try {
      secret = await openWebhookSecret(hook.secretJwe, keks);
    } catch (error) {
      throw new Error(`Webhook ${hook.id}: ${(error as Error).message}`);
    }
    changes.push([hook, { ...hook, secretJwe: await sealWebhookSecret(secret, keks) }]);
  }
  return { current, changes };
}

/**
 * Checks every webhook secret can be decrypted and returns the step that writes them again under
 * `keks[0]`; the check comes first so a caller can stop before writing anything else.
 *
 * @throws {Error} naming the webhook whose KEK is not configured (nothing is written then).
 * @throws {StoreUnavailable} when the store cannot be reached.
 */
export async function prepareWebhookRekey(
  store: RekeyStore,
  keks: KekRing,
): Promise<() => Promise<WebhookRekeyResult>> {
  let planned = await reseal(await store.listWebhooks(), keks);
  return async () => {
    const rekeyed: string[] = [];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      let changedMeanwhile = false;
      for (const [stored, next] of planned.changes) {
        if (await store.replaceWebhook(stored, next)) rekeyed.push(stored.id);
        else changedMeanwhile = true;
      }
      if (!changedMeanwhile) {
        const done = new Set(rekeyed);
        return { rekeyed, current: planned.current.filter((id) => !done.has(id)) };
      }
      planned = await reseal(await store.listWebhooks(), keks);
    }
    throw new Error("The webhooks kept changing; run the rekey again");
  };
}
