/**
 * Webhook requests on Node pinned to a checked address (DNS rebinding guard): `node:http(s)`
 * `request` with a `lookup` that resolves the host, refuses the attempt when any answer is not a
 * public address, and hands the socket only the addresses it checked, so a name that answers a
 * public address to the guard and a private one a moment later is never connected to. TLS still
 * verifies the certificate for the URL's host name (SNI and the identity check use the name, not
 * the address). No redirect is followed (`node:http` never follows one); the time limit's signal
 * ends the whole exchange, body included.
 *
 * @example
 * ```ts
 * const send = pinnedFetcher({ allowInsecure: false, lookup: lookupAll });
 * await sendWebhook(send, url, headers, body, 10_000);
 * ```
 * @module
 */

import type { LookupAddress, LookupAllOptions, LookupOneOptions } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import type { WebhookAnswer, WebhookFetcher, WebhookRequest } from "../webhooks/send.js";
import { blockedAddress, checkResolvedAddresses, TargetRefused } from "../webhooks/target-guard.js";

/** Resolves a host name to every address it has, with its family (4 or 6). */
export type AddressLookup = (host: string) => Promise<readonly LookupAddress[]>;

/** Every address `host` resolves to, in the resolver's order (`dns.lookup`, `all: true`). */
export const lookupAll: AddressLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/** How {@link pinnedFetcher} resolves and what it allows. */
export interface PinnedFetcherOptions {
  /** `TOKENMINT_WEBHOOKS_ALLOW_INSECURE`: local and private addresses are allowed. */
  readonly allowInsecure: boolean;
  readonly lookup: AddressLookup;
}

type LookupCallback = (
  error: Error | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `net` lookup that answers only addresses it checked (every answer, whatever the family). */
function checkedLookup(options: PinnedFetcherOptions) {
  return (host: string, hints: LookupOneOptions | LookupAllOptions, callback: LookupCallback) => {
    options.lookup(host).then(
      (answers) => {
        try {
          if (!options.allowInsecure) {
            checkResolvedAddresses(
              host,
              answers.map((answer) => answer.address),
            );
          }
        } catch (refused) {
          callback(refused as Error, "");
          return;
        }
        const family = typeof hints.family === "number" ? hints.family : 0;
        const usable = answers.filter((answer) => family === 0 || answer.family === family);
        const first = usable[0];
        if (!first) {
          callback(
            Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" }),
            "",
          );
          return;
        }
        if (hints.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ""),
    );
  };
}

/**
 * Creates a fetcher that sends each webhook request to an address it resolved and checked itself.
 *
 * @example
 * ```ts
 * const send = pinnedFetcher({ allowInsecure: false, lookup: lookupAll });
 * ```
 */
export function pinnedFetcher(options: PinnedFetcherOptions): WebhookFetcher {
  const lookup = checkedLookup(options);
  return (url: URL, init: WebhookRequest) =>
    new Promise<WebhookAnswer>((resolve, reject) => {
      const host = url.hostname.replace(/^\[|\]$/g, "");
      // An IP literal is connected to without a lookup: it is checked here instead.
      if (!options.allowInsecure && blockedAddress(host) === true) {
        reject(new TargetRefused(`address ${host} is not public`));
        return;
      }
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const request = send(
        url,
        {
          method: init.method,
          headers: { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) },
          lookup,
          // A fresh connection per attempt: a pooled one might outlive the check it was made under.
          agent: false,
          signal: init.signal,
        },
        (response: IncomingMessage) => {
          resolve({
            status: response.statusCode ?? 0,
            body: Readable.toWeb(response) as ReadableStream<Uint8Array>,
          });
        },
      );
      request.on("error", reject);
      request.end(init.body);
    });
}
