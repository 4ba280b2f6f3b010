/**
 * The CLI's HTTP client for one issuer: service-client credentials or a user token, problem+json
 * answers turned into {@link CliError}s that name the stable code, and a hint when the issuer
 * cannot be reached.
 * @module
 */

/**
 * The CLI's exit codes: 0 success, 1 the issuer refused or a check failed, 2 the command line was
 * wrong, 3 no answer (the issuer could not be reached, or failed with a 5xx).
 */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

/** A non-zero exit code. */
export type FailureCode = 1 | 2 | 3;

/** A failure the CLI reports on standard error and exits non-zero with. */
export class CliError extends Error {
  /** See {@link EXIT}. */
  readonly exitCode: FailureCode;
  constructor(message: string, exitCode: FailureCode = EXIT.refused) {
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
        ? "Give --client-id and --client-secret (or TOKENMINT_CLIENT_ID / TOKENMINT_CLIENT_SECRET), or --token (TOKENMINT_TOKEN)"
        : "Give --client-id and --client-secret (or TOKENMINT_CLIENT_ID / TOKENMINT_CLIENT_SECRET)",
      EXIT.usage,
    );
  }
  const pair = `${encodeURIComponent(target.clientId)}:${target.clientSecret}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

/**
 * The error for a request that got no answer, naming the issuer and how to point the CLI at it.
 *
 * @example
 * ```ts
 * throw unreachable("http://localhost:8080", error);
 * ```
 */
export function unreachable(issuer: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new CliError(
    `cannot reach the issuer at ${issuer} (${why}); is it running? Set TOKENMINT_ISSUER or --issuer to its URL`,
    EXIT.unavailable,
  );
}

/** The problem+json fields the CLI shows. */
interface Problem {
  code?: string;
  detail?: string;
  errors?: { path?: unknown; message?: string }[];
}

function problemMessage(method: string, path: string, response: Response, text: string): string {
  let problem: Problem = {};
  try {
    problem = JSON.parse(text) as Problem;
  } catch {
    // Not problem+json (a proxy's page, say): the status line is all there is.
  }
  const fields = Array.isArray(problem.errors)
    ? problem.errors.map((error) => `\n  ${[error.path].flat().join(".")}: ${error.message}`)
    : [];
  return `${method} ${path}: ${response.status} ${problem.code ?? response.statusText}${problem.detail ? `: ${problem.detail}` : ""}${fields.join("")}`;
}

/**
 * Sends one request and returns the parsed JSON answer (or null for an empty body).
 *
 * @throws {CliError} exit 3 for an unreachable issuer or a 5xx, exit 1 for any other non-2xx.
 * @example
 * ```ts
 * const keyring = await callIssuer(target, "GET", "/v1/keys", { auth: "client" });
 * ```
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
  const issuer = target.issuer.replace(/\/+$/, "");
  let response: Response;
  try {
    response = await fetch(`${issuer}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  } catch (error) {
    throw unreachable(issuer, error);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new CliError(
      problemMessage(method, path, response, text),
      response.status >= 500 ? EXIT.unavailable : EXIT.refused,
    );
  }
  return text === "" ? null : (JSON.parse(text) as unknown);
}
