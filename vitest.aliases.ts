/**
 * `@tokenmint/verifier` and its subpaths resolved to the workspace package's TypeScript sources
 * for every importer, so a test and the issuer code it calls share one copy of the package (an
 * `instanceof` across a source copy and a dist copy would fail). tsconfig.json's `paths` say the
 * same for tsc and tsx.
 * @module
 */
import { fileURLToPath } from "node:url";

const SOURCES = fileURLToPath(new URL("packages/verifier/src/", import.meta.url));

/** Vite `resolve.alias` entries for the verifier package. */
export const verifierAliases = [
  { find: /^@tokenmint\/verifier$/, replacement: `${SOURCES}index.ts` },
  { find: /^@tokenmint\/verifier\/(jws|jwt|status|lib)$/, replacement: `${SOURCES}$1/index.ts` },
];
