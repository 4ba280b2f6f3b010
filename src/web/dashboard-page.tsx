/** @jsxImportSource hono/jsx */
/**
 * The signed-in page: the create form (scopes with descriptions, an expiry date bounded by policy
 * and by the signed-in token, errors next to their fields with what was typed kept) and the list
 * of tokens (active ones, or all), a table that becomes cards on a narrow screen.
 * @module
 */
import type { TokenView } from "../tokens/token-view.js";
import type { CreateFormValues, ExpiryBounds, FieldErrors } from "./create-form.js";
import { Csrf, Layout, type PageContext, When } from "./layout.js";

/** A scope offered on the form, with what it allows. */
export interface ScopeChoice {
  readonly name: string;
  readonly description: string | undefined;
}

/**
 * Which tokens the list shows: those not ended (active, pending or suspended), or every one kept.
 */
export type TokenFilter = "active" | "all";

/** Everything the signed-in page shows. */
export interface DashboardProps {
  readonly page: PageContext;
  readonly tokens: readonly TokenView[];
  /** Seconds since the epoch: tells expired tokens from active ones. */
  readonly now: number;
  readonly show: TokenFilter;
  readonly scopes: readonly ScopeChoice[];
  /** The signed-in token's org: a new token stays in it. */
  readonly org: string | null;
  /** The kinds a new token may be of (a choice is offered when there are several). */
  readonly kinds: readonly string[];
  /** Several kinds are configured: the list names each token's kind. */
  readonly showKind: boolean;
  readonly expiry: ExpiryBounds | undefined;
  readonly sessionTokenId: string;
  readonly values?: CreateFormValues;
  readonly errors?: FieldErrors;
  readonly error?: string;
  readonly status?: string;
}

/** What a token's state reads as: an active token past its expiry is expired. */
function shownState(token: TokenView, now: number): string {
  if (token.state === "active" && token.expires_at !== null) {
    if (Date.parse(token.expires_at) <= now * 1000) return "expired";
  }
  return token.state;
}

/** Whether a token has ended for good (rotated, revoked or expired). */
export function hasEnded(token: TokenView, now: number): boolean {
  const state = shownState(token, now);
  return state === "rotated" || state === "revoked" || state === "expired";
}

function FieldError(props: { id: string; message: string | undefined }) {
  return props.message === undefined ? null : (
    <p class="field-error" id={`${props.id}-error`}>
      {props.message}
    </p>
  );
}

/** `aria-*` attributes of a field that may carry an error. */
function invalid(id: string, message: string | undefined, hint?: string) {
  const described = [hint, message === undefined ? undefined : `${id}-error`].filter(Boolean);
  return {
    ...(message === undefined ? {} : { "aria-invalid": "true" }),
    ...(described.length === 0 ? {} : { "aria-describedby": described.join(" ") }),
  };
}

function ExpiryField(props: { expiry: ExpiryBounds | undefined; value: string; error?: string }) {
  const { expiry } = props;
  if (expiry === undefined) {
    return (
      <div class="field">
        <label for="expires_on">Expires on</label>
        <input type="date" id="expires_on" name="expires_on" disabled />
        <p class="field-error" id="expires_on-error">
          The token you signed in with expires too soon to create another one; sign in with a newer
          token.
        </p>
      </div>
    );
  }
  return (
    <div class="field" id="expiry-field">
      <label for="expires_on">Expires on</label>
      <div class="quick" data-quick hidden>
        {expiry.quick.map((choice) => (
          <button type="button" class="chip" data-date={choice.date}>
            {choice.label}
          </button>
        ))}
      </div>
      <input
        type="date"
        id="expires_on"
        name="expires_on"
        required
        min={expiry.min}
        max={expiry.max}
        value={props.value === "" ? expiry.suggested : props.value}
        {...invalid("expires_on", props.error, "expires_on-hint")}
      />
      <p class="hint" id="expires_on-hint">
        Works until the end of that day (UTC), from {expiry.min} to {expiry.max}
        {expiry.parentBound ? (
          <>
            {" "}
            (the token you signed in with expires{" "}
            <When iso={new Date(expiry.latest * 1000).toISOString()} none="" />)
          </>
        ) : null}
        .
      </p>
      <FieldError id="expires_on" message={props.error} />
    </div>
  );
}

function CreateForm(props: DashboardProps) {
  const { page, values, errors = {} } = props;
  const chosen = new Set(values?.scope ?? []);
  return (
    <section class="card">
      <h2>Create a token</h2>
      {errors.form ? (
        <p class="error" role="alert">
          {errors.form}
        </p>
      ) : null}
      <form method="post" action="/ui/tokens" id="create-form">
        <Csrf page={page} />
        <div class="grid">
          <div class="field">
            <label for="name">Name</label>
            <input
              type="text"
              id="name"
              name="name"
              required
              maxlength={100}
              value={values?.name ?? ""}
              {...invalid("name", errors.name)}
            />
            <FieldError id="name" message={errors.name} />
          </div>
          <div class="field">
            <label for="org">
              Organization <span class="hint">(optional)</span>
            </label>
            {props.org === null ? (
              <input
                type="text"
                id="org"
                name="org"
                maxlength={256}
                value={values?.org ?? ""}
                {...invalid("org", errors.org)}
              />
            ) : (
              <input type="text" id="org" name="org" value={props.org} readonly />
            )}
            <FieldError id="org" message={errors.org} />
          </div>
          {props.kinds.length > 1 ? (
            <div class="field">
              <label for="kind">Kind</label>
              <select id="kind" name="kind" {...invalid("kind", errors.kind)}>
                {props.kinds.map((kind) => (
                  <option value={kind} selected={(values?.kind || props.kinds[0]) === kind}>
                    {kind}
                  </option>
                ))}
              </select>
              <FieldError id="kind" message={errors.kind} />
            </div>
          ) : null}
        </div>
        <div class="field">
          <label for="description">
            Description <span class="hint">(optional)</span>
          </label>
          <input
            type="text"
            id="description"
            name="description"
            maxlength={1000}
            value={values?.description ?? ""}
            {...invalid("description", errors.description)}
          />
          <FieldError id="description" message={errors.description} />
        </div>
        <ExpiryField
          expiry={props.expiry}
          value={values?.expires_on ?? ""}
          {...(errors.expires_on === undefined ? {} : { error: errors.expires_on })}
        />
        <fieldset class="field scopes" {...invalid("scope", errors.scope)}>
          <legend>
            Scopes <span class="hint">(at most those of the token you signed in with)</span>
          </legend>
          {props.scopes.map((scope) => (
            <label class="scope">
              <input
                type="checkbox"
                name="scope"
                value={scope.name}
                checked={chosen.has(scope.name)}
              />
              <span>
                <code>{scope.name}</code>
                {scope.description ? <span class="scope-desc">{scope.description}</span> : null}
              </span>
            </label>
          ))}
          <FieldError id="scope" message={errors.scope} />
        </fieldset>
        <button type="submit" disabled={props.expiry === undefined}>
          Create token
        </button>
      </form>
    </section>
  );
}

/** Why a token waiting for approval does not work yet, or how its approval was decided. */
function ApprovalNote(props: { token: TokenView }) {
  const { approval, org } = props.token;
  if (approval === null) return null;
  const reason = approval.reason === null ? "" : `: ${approval.reason}`;
  return (
    <div class="desc approval" data-approval={approval.status}>
      {approval.status === "pending"
        ? `Waiting for approval by the owners of ${org ?? "its organization"}; it does not work until approved.`
        : approval.status === "approved"
          ? `Approved by ${approval.decided_by ?? "an owner"}${reason}.`
          : `Denied by ${approval.decided_by ?? "an owner"}${reason}.`}
    </div>
  );
}

function TokenRow(props: {
  token: TokenView;
  now: number;
  sessionTokenId: string;
  showKind: boolean;
}) {
  const { token } = props;
  const state = shownState(token, props.now);
  return (
    <tr data-token-id={token.id} data-state={state}>
      <td data-label="Name">
        <strong>{token.name}</strong>
        {token.id === props.sessionTokenId ? <span class="hint"> (this session)</span> : null}
        {token.description ? <div class="desc">{token.description}</div> : null}
        <div class="id">
          {props.showKind ? (
            <>
              Kind <code>{token.kind}</code>{" "}
            </>
          ) : null}
          ID <code>{token.id}</code>
        </div>
      </td>
      <td data-label="Scopes">
        <div>
          {token.scope.map((scope) => (
            <span class="tag">{scope}</span>
          ))}
        </div>
      </td>
      <td data-label="Org">{token.org ?? <span class="muted">all</span>}</td>
      <td data-label="Created" class="created">
        <When iso={token.created_at} none="" />
      </td>
      <td data-label="Expires">
        <When iso={token.expires_at} none="never" />
      </td>
      <td data-label="Last used">
        <When iso={token.last_used_at} none="never" />
      </td>
      <td data-label="State">
        <span class={`state state-${state}`}>{state}</span>
        <ApprovalNote token={token} />
      </td>
      <td class="actions">
        {state === "active" ? (
          <a class="button secondary" href={`/ui/tokens/${token.id}/rotate`}>
            Rotate…
          </a>
        ) : null}{" "}
        {state === "active" || state === "suspended" || state === "pending" ? (
          <a class="button danger" href={`/ui/tokens/${token.id}/revoke`}>
            Revoke…
          </a>
        ) : null}
      </td>
    </tr>
  );
}

function TokenList(props: DashboardProps) {
  const current = props.tokens.filter((token) => !hasEnded(token, props.now));
  const shown = props.show === "all" ? props.tokens : current;
  return (
    <section class="card">
      <div class="list-head">
        <h2>Your tokens</h2>
        <nav class="filter" aria-label="Which tokens">
          <a
            href="/ui"
            id="filter-active"
            aria-current={props.show === "active" ? "page" : undefined}
          >
            Active ({current.length})
          </a>
          <a
            href="/ui?show=all"
            id="filter-all"
            aria-current={props.show === "all" ? "page" : undefined}
          >
            All ({props.tokens.length})
          </a>
        </nav>
      </div>
      {shown.length === 0 ? (
        <p class="muted">
          {props.tokens.length === 0
            ? "No tokens yet."
            : "No active tokens; see All for ended ones."}
        </p>
      ) : (
        <table id="tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scopes</th>
              <th>Org</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>State</th>
              <th>
                <span class="hidden-label">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((token) => (
              <TokenRow
                token={token}
                now={props.now}
                sessionTokenId={props.sessionTokenId}
                showKind={props.showKind}
              />
            ))}
          </tbody>
        </table>
      )}
      {props.show === "active" && current.length < props.tokens.length ? (
        <p class="hint">Rotated, revoked and expired tokens are listed under All.</p>
      ) : null}
    </section>
  );
}

/** The signed-in page: create form and the list. */
export function DashboardPage(props: DashboardProps) {
  return (
    <Layout page={props.page} title="Your tokens">
      {props.status ? <p class="notice">{props.status}</p> : null}
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <CreateForm {...props} />
      <TokenList {...props} />
    </Layout>
  );
}
