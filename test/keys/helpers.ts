/**
 * Helpers of the key tests: admin calls, the listing, the JWKS, introspection, and a second issuer
 * on the same store (same KEK, same clock) standing for another instance.
 */
import { randomBytes } from "node:crypto";
import { decodeProtectedHeader } from "jose";
import type { KeyringView } from "../../src/keys/key-view.js";
import {
  createTestIssuer,
  form,
  type StoreKind,
  type TestClock,
  type TestIssuer,
  testClock,
} from "../helpers/issuer.js";

/** The `kid` a token was signed with. */
export function kidOf(token: string): string {
  return decodeProtectedHeader(token.replace(/^tmpat_/, "")).kid as string;
}

/** Calls a key endpoint as the admin client (or with `authorization`). */
export async function keyCall(
  issuer: TestIssuer,
  path: string,
  body?: unknown,
  authorization = issuer.clientAuth,
): Promise<Response> {
  return issuer.request(`/v1/keys${path}`, {
    method: body === undefined && path === "" ? "GET" : "POST",
    headers: {
      authorization,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** `GET /v1/keys`. */
export async function listKeys(issuer: TestIssuer): Promise<KeyringView> {
  const response = await keyCall(issuer, "");
  if (response.status !== 200) throw new Error(`GET /v1/keys: ${response.status}`);
  return (await response.json()) as KeyringView;
}

/** The kid of the key in `state` (the first listed). */
export async function kidIn(issuer: TestIssuer, state: string): Promise<string> {
  const key = (await listKeys(issuer)).keys.find((candidate) => candidate.state === state);
  if (!key) throw new Error(`no ${state} key`);
  return key.kid;
}

/** The kids in the published JWKS. */
export async function jwksKids(issuer: TestIssuer): Promise<string[]> {
  const body = (await (await issuer.request("/.well-known/jwks.json")).json()) as {
    keys: { kid: string }[];
  };
  return body.keys.map((key) => key.kid).sort();
}

/** `POST /v1/introspect` → active? */
export async function isActive(issuer: TestIssuer, token: string): Promise<boolean> {
  const response = await issuer.request(
    "/v1/introspect",
    form({ token }, { authorization: issuer.clientAuth }),
  );
  return ((await response.json()) as { active: boolean }).active;
}

/** Two issuer instances on one store (one KEK, one clock). */
export async function twoInstances(
  kind: StoreKind,
  env: Record<string, string> = {},
  clock: TestClock = testClock(),
): Promise<[TestIssuer, TestIssuer]> {
  const shared = { TOKENMINT_KEK: randomBytes(32).toString("base64url"), ...env };
  const first = await createTestIssuer({ store: kind, env: shared, clock });
  const second = await createTestIssuer({ store: first.store, env: shared, clock });
  return [first, second];
}

/** The audit events of a type, oldest first. */
export async function auditOf(issuer: TestIssuer, type: string) {
  const entries = await issuer.store.readAudit({ count: 1000 });
  return entries.filter((entry) => entry.type === type).reverse();
}
