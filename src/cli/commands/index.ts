/**
 * The command table: every command by its full name ("tokens list"), the groups with what they
 * are for, and the aliases kept for earlier spellings.
 * @module
 */
import type { Command } from "../command.js";
import { audit } from "./audit.js";
import { inspect } from "./inspect.js";
import { keysGenerate, keysList, keysRevoke, keysRotate } from "./keys.js";
import { introspect, revoke } from "./oauth.js";
import { routesList, routesSet } from "./routes.js";
import { tokensApprove, tokensDeny } from "./tokens-approval.js";
import { tokensCreate, tokensRotate, tokensUpdate } from "./tokens-issue.js";
import { tokensList, tokensShow } from "./tokens-read.js";
import { tokensResume, tokensRevoke, tokensRevokeAll, tokensSuspend } from "./tokens-state.js";

/** Every command by name, in the order the help lists them. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  "tokens list": tokensList,
  "tokens show": tokensShow,
  "tokens create": tokensCreate,
  "tokens rotate": tokensRotate,
  "tokens update": tokensUpdate,
  "tokens suspend": tokensSuspend,
  "tokens resume": tokensResume,
  "tokens approve": tokensApprove,
  "tokens deny": tokensDeny,
  "tokens revoke": tokensRevoke,
  "tokens revoke-all": tokensRevokeAll,
  inspect,
  introspect,
  revoke,
  "keys list": keysList,
  "keys rotate": keysRotate,
  "keys revoke": keysRevoke,
  "keys generate": keysGenerate,
  "routes list": routesList,
  "routes set": routesSet,
  audit,
};

/** Other names for commands (not listed in the help's table). */
export const ALIASES: Readonly<Record<string, string>> = {
  mint: "tokens create",
  "tokens mint": "tokens create",
};

/** What each group of commands is for. */
export const GROUPS: Readonly<Record<string, string>> = {
  tokens:
    "personal access tokens: list, show, create, rotate, update, suspend, resume, approve, deny, revoke",
  keys: "the issuer's signing keys (admin clients) and new key-encryption keys",
  routes: "the org → cell routing map",
};
