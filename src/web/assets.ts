/**
 * The page's stylesheet and its one script, inlined with the request's CSP nonce (no build step,
 * no other origin). The script only adds comfort (copy buttons, local times, quick expiry choices):
 * the page works without it.
 * @module
 */

export const STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1c2230; --muted: #5d6678;
  --line: #dde1e8; --accent: #2f5bea; --accent-text: #fff; --danger: #c62d3a; --ok: #1d7f4e;
  --warn-bg: #fff6dc; --warn-line: #e9c46a; --code: #eef1f6; }
@media (prefers-color-scheme: dark) { :root { --bg: #12151c; --card: #1b1f29; --text: #e5e8ef;
  --muted: #9aa3b5; --line: #2c3242; --accent: #6d8cff; --accent-text: #0b0e14; --danger: #ff6b78;
  --ok: #4cc38a; --warn-bg: #2e2815; --warn-line: #8a6d1f; --code: #252b39; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: var(--bg); color: var(--text); }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between;
  gap: .5rem 1rem; padding: .8rem 1.5rem; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0; } header .who { color: var(--muted); font-size: .9rem; }
header form { display: flex; align-items: center; gap: .6rem; margin: 0; }
main { max-width: 1100px; margin: 1.5rem auto; padding: 0 1.5rem; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 1.2rem 1.4rem; margin-bottom: 1.4rem; }
h2 { font-size: 1.05rem; margin: 0 0 .8rem; }
label { display: block; font-weight: 600; font-size: .9rem; margin-bottom: .25rem; }
.field { margin-bottom: .9rem; } .hint { color: var(--muted); font-size: .85rem; font-weight: 400; }
input[type=text], input[type=password], input[type=date], select, textarea { width: 100%; padding: .5rem .6rem;
  border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--text);
  font: inherit; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 0 1.2rem; }
fieldset { border: 0; padding: 0; margin: 0 0 .9rem; min-width: 0; }
legend { font-weight: 600; font-size: .9rem; margin-bottom: .35rem; padding: 0; }
.scopes { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .4rem 1.2rem; }
.scopes legend { grid-column: 1 / -1; }
label.scope { font-weight: 400; display: flex; gap: .5rem; align-items: flex-start; margin: 0; }
label.scope input { margin-top: .3rem; }
.scope-desc { display: block; color: var(--muted); font-size: .85rem; }
.field-error { color: var(--danger); font-size: .88rem; margin: .3rem 0 0; grid-column: 1 / -1; }
[aria-invalid=true] { border-color: var(--danger) !important; }
fieldset[aria-invalid=true] { border: 0 !important; }
.quick { display: flex; flex-wrap: wrap; gap: .35rem; margin-bottom: .45rem; }
.quick[hidden] { display: none; }
button.chip { padding: .2rem .65rem; border-radius: 999px; font-weight: 400; font-size: .85rem;
  background: transparent; color: var(--accent); }
button.chip[aria-pressed=true] { background: var(--accent); color: var(--accent-text); }
input[type=date] { max-width: 14rem; }
button:disabled { opacity: .5; cursor: not-allowed; }
button, .button { display: inline-block; padding: .45rem .9rem; border-radius: 6px; border: 1px solid
  var(--accent); background: var(--accent); color: var(--accent-text); font: inherit;
  font-weight: 600; cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: transparent; color: var(--accent); }
button.danger, .button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
button.link { background: none; border: none; color: var(--muted); padding: 0; font-weight: 400; }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
th, td { text-align: left; padding: .55rem .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: .8rem; text-transform: uppercase; }
td.actions { white-space: nowrap; } td.actions form { display: inline; }
.list-head { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between;
  gap: .3rem 1rem; margin-bottom: .6rem; } .list-head h2 { margin: 0; }
.filter { display: flex; gap: .3rem; } .filter a { padding: .2rem .7rem; border-radius: 999px;
  color: var(--accent); text-decoration: none; border: 1px solid var(--line); font-size: .9rem; }
.filter a[aria-current=page] { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
#tokens td:first-child { min-width: 12rem; }
.id { color: var(--muted); font-size: .8rem; } .id code { font-size: .78rem; word-break: break-all; }
.hidden-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .8rem 0 1rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
.tag { display: inline-block; background: var(--code); border-radius: 4px; padding: 0 .35rem;
  margin: 0 .2rem .2rem 0; font-size: .8rem; }
.state { font-size: .8rem; font-weight: 600; } .state-active { color: var(--ok); }
.state-revoked, .state-rotated, .state-suspended, .state-pending { color: var(--muted); }
.muted { color: var(--muted); } .desc { color: var(--muted); font-size: .85rem; }
.notice { border: 1px solid var(--warn-line); background: var(--warn-bg); border-radius: 8px;
  padding: .8rem 1rem; margin-bottom: 1rem; }
.error { border: 1px solid var(--danger); color: var(--danger); border-radius: 8px;
  padding: .6rem 1rem; margin-bottom: 1rem; }
.secret { display: flex; gap: .5rem; margin: .6rem 0; }
.secret input { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
.narrow { max-width: 560px; margin: 3rem auto; }
/* A phone: the table becomes one card per token, each cell labelled. */
@media (max-width: 760px) {
  header { padding: .7rem 1rem; } main { padding: 0 .75rem; margin-top: 1rem; }
  section.card { padding: 1rem; } .narrow { margin: 1rem auto; }
  table, thead, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  tr { border: 1px solid var(--line); border-radius: 8px; padding: .4rem .7rem; margin-bottom: .8rem; }
  td { border: 0; padding: .25rem 0; display: grid; grid-template-columns: 6.5rem 1fr; gap: .5rem; }
  td::before { content: attr(data-label); color: var(--muted); font-size: .8rem; font-weight: 600; }
  td:first-child, td.actions { display: block; min-width: 0; } td:first-child::before, td.actions::before { content: none; }
  td.actions { white-space: normal; padding-top: .5rem; }
  .secret { flex-wrap: wrap; } .secret input { min-width: 0; flex: 1 1 12rem; }
}
`;

/**
 * Wires `[data-copy]` buttons to copy the value of the element they name; rewrites each
 * `time[data-local]` into the reader's local time and zone (the UTC text stays as its title); shows
 * the quick expiry choices, which fill in the date field.
 */
export const SCRIPT = `
const local = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric",
  hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
for (const time of document.querySelectorAll("time[data-local]")) {
  const at = new Date(time.dateTime);
  if (Number.isNaN(at.getTime())) continue;
  time.title = time.textContent;
  time.textContent = local.format(at);
  time.dataset.local = "shown";
}
const date = document.getElementById("expires_on");
for (const quick of document.querySelectorAll("[data-quick]")) {
  quick.hidden = false;
  const chips = [...quick.querySelectorAll("button[data-date]")];
  const mark = () => { for (const chip of chips) chip.setAttribute("aria-pressed", String(chip.dataset.date === date?.value)); };
  for (const chip of chips) chip.addEventListener("click", () => { if (date) date.value = chip.dataset.date; mark(); });
  date?.addEventListener("input", mark);
  mark();
}
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  });
}
`;
