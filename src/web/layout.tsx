/** @jsxImportSource hono/jsx */
/**
 * The frame every page of the UI shares: head, header with sign-out, the one nonce'd stylesheet and
 * script; and the small pieces pages repeat (times, the CSRF field).
 * @module
 */
import type { Child } from "hono/jsx";
import { SCRIPT, STYLE } from "./assets.js";

/** What every page needs. */
export interface PageContext {
  readonly nonce: string;
  readonly prefix: string;
  /** The signed-in subject, when there is one. */
  readonly subject?: string;
  readonly csrf?: string;
}

/** The page frame. */
export function Layout(props: { page: PageContext; title: string; children: Child }) {
  const { page } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · tokenmint`}</title>
        <style nonce={page.nonce} dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <header>
          <h1>tokenmint · access tokens</h1>
          {page.subject !== undefined && page.csrf !== undefined ? (
            <form method="post" action="/ui/sign-out">
              <span class="who">
                Signed in as <strong>{page.subject}</strong>{" "}
              </span>
              <input type="hidden" name="csrf" value={page.csrf} />
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          ) : null}
        </header>
        <main>{props.children}</main>
        <script nonce={page.nonce} dangerouslySetInnerHTML={{ __html: SCRIPT }} />
      </body>
    </html>
  );
}

/**
 * A moment as `<time datetime>`: UTC text in the HTML, rewritten to the reader's local time and
 * zone by the page script (the server does not know the reader's zone).
 */
export function When(props: { iso: string | null; none: string }) {
  if (props.iso === null) return <span class="muted">{props.none}</span>;
  return (
    <time datetime={props.iso} data-local="">
      {`${props.iso.slice(0, 16).replace("T", " ")} UTC`}
    </time>
  );
}

/** The session's CSRF value, in every signed-in form. */
export function Csrf(props: { page: PageContext }) {
  return <input type="hidden" name="csrf" value={props.page.csrf ?? ""} />;
}
