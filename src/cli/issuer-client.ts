/**
 * The CLI's HTTP client for one issuer: service-client credentials from flags or the environment
 * (`TOKENMINT_CLIENT_ID`, `TOKENMINT_CLIENT_SECRET`), problem+json answers turned into
 * {@link CliError}s that name the stable code.
 * @module
 */

/** A failure the CLI reports on standard error and exits non-zero with. */
export class CliError extends Error {
  /** 1: the operation failed; 2: the command line was wrong. */
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** Where the issuer is and how to authenticate. */
export interface IssuerTarget {
  readonly issuer: string;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  /** A user's token for self-service calls (`--token` / `TOKENMINT_TOKEN`). */
  readonly token?: string | undefined;
}

/** How a request authenticates. */
export type Auth = "none" | "client" | "client-or-token";

function authorization(target: IssuerTarget, auth: Auth): string | undefined {
  if (auth === "none") return undefined;
  if (auth === "client-or-token" && target.token) return `Bearer ${target.token}`;
  if (!target.clientId || !target.clientSecret) {
    throw new CliError(
      auth === "client-or-token"
        ? "Give --client-id and --client-secret (or TOKENMINT_CLIENT_ID / TOKENMINT_CLIENT_SECRET), or --token"
        : "Give --client-id and --client-secret (or TOKENMINT_CLIENT_ID / TOKENMINT_CLIENT_SECRET)",
      2,
    );
  }
  const pair = `${encodeURIComponent(target.clientId)}:${target.clientSecret}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

/**
 * Sends one request and returns the parsed JSON answer (or null for an empty body).
 *
 * @throws {CliError} for an unreachable issuer or a non-2xx answer.
 */
export async function callIssuer(
  target: IssuerTarget,
  method: string,
  path: string,
  options: { auth: Auth; json?: unknown; form?: Record<string, string> },
): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json" };
  const auth = authorization(target, options.auth);
  if (auth) headers.authorization = auth;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  }
  const url = `${target.issuer.replace(/\/+$/, "")}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  } catch (error) {
    throw new CliError(
      `Cannot reach ${url}: ${(error as Error).cause ?? (error as Error).message}`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let problem: { code?: string; detail?: string } = {};
    try {
      problem = JSON.parse(text) as typeof problem;
    } catch {
      // not problem+json
    }
    throw new CliError(
      `${method} ${path}: ${response.status} ${problem.code ?? response.statusText}${problem.detail ? `: ${problem.detail}` : ""}`,
    );
  }
  return text === "" ? null : (JSON.parse(text) as unknown);
}
