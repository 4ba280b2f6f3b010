import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";
import { verifierAliases } from "./vitest.aliases.js";

// The package's own entry points, as the documentation's examples import them.
const ownEntries = [
  {
    find: /^tokenmint\/router$/,
    replacement: fileURLToPath(new URL("src/router/index.ts", import.meta.url)),
  },
  {
    find: /^tokenmint\/verifier$/,
    replacement: fileURLToPath(new URL("src/verifier.ts", import.meta.url)),
  },
];

export default defineConfig({
  resolve: { alias: [...verifierAliases, ...ownEntries] },
  test: {
    include: ["test/**/*.test.ts"],
    // test/worker runs inside workerd: `npm run test:worker` (vitest.workers.config.ts).
    exclude: [...configDefaults.exclude, "test/worker/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 20000,
    hookTimeout: 30000,
    pool: "forks",
  },
});
