/**
 * Helpers for the Worker tests, which run inside workerd and talk to the issuer Workers through
 * their service bindings.
 */
import { env } from "cloudflare:workers";
import { decompressStatusList } from "@tokenmint/verifier/status";
import { decodeJwt } from "jose";

/** A minted token as the issuer answers it. */
export interface Minted {
  readonly id: string;
  readonly token: string;
  readonly [key: string]: unknown;
}

/** `Authorization` of the test service client. */
export function clientAuth(): string {
  return `Basic ${btoa(`${env.CLIENT_ID}:${env.CLIENT_SECRET}`)}`;
}

/** Sends a request to an issuer Worker, at the issuer's URL. */
export function call(worker: Fetcher, path: string, init?: RequestInit): Promise<Response> {
  return worker.fetch(`${env.ISSUER_URL}${path}`, init);
}

/** Mints a token through HTTP. */
export async function mint(
  worker: Fetcher = env.ISSUER,
  body: Record<string, unknown> = {},
): Promise<Minted> {
  const response = await call(worker, "/v1/tokens", {
    method: "POST",
    headers: { authorization: clientAuth(), "content-type": "application/json" },
    body: JSON.stringify({ subject: "alice", name: "edge", scope: ["read_api"], ...body }),
  });
  if (response.status !== 201) {
    throw new Error(`mint failed: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as Minted;
}

/** A form POST (the OAuth endpoints). */
export function form(params: Record<string, string>, headers: Record<string, string> = {}) {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  };
}

/** The `Server-Timing` entries of a response, by name (`edge-cache` → "hit", ...). */
export function serverTiming(response: Response): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const part of (response.headers.get("server-timing") ?? "").split(",")) {
    const [name, ...params] = part.trim().split(";");
    if (!name) continue;
    const desc = params.find((param) => param.startsWith("desc="));
    const dur = params.find((param) => param.startsWith("dur="));
    entries[name] = desc ? desc.slice(5).replaceAll('"', "") : (dur?.slice(4) ?? "");
  }
  return entries;
}

/** The status (0 valid, 1 revoked, 2 suspended) at `idx` of a status list token. */
export async function statusAt(jwt: string, idx: number): Promise<number> {
  const { status_list } = decodeJwt<{ status_list: { bits: number; lst: string } }>(jwt);
  const bytes = await decompressStatusList(status_list.lst, 1 << 20);
  return ((bytes[idx >> 2] ?? 0) >> ((idx & 3) * 2)) & 3;
}

/** A body as text, without workerd's warning about non-text content types. */
export async function textOf(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

/** Waits `ms` of wall time (workerd's clock advances across this I/O). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The cron expression the scheduled tests pass (the handler does the same work for any). */
export const CRON = "*/15 * * * *";

/**
 * A service binding's `scheduled()` runs the target's cron handler (workerd's experimental
 * Fetcher API, present in the local runtime but not in the stable typings). It resolves when the
 * handler succeeds and rejects with the handler's error.
 */
export function cronOf(
  worker: Fetcher,
): (options: { cron: string; scheduledTime: Date }) => Promise<unknown> {
  const binding = worker as unknown as {
    scheduled(options: { cron: string; scheduledTime: Date }): Promise<unknown>;
  };
  return (options) => binding.scheduled(options);
}
