import { configDefaults, defineConfig } from "vitest/config";
import { verifierAliases } from "./vitest.aliases.js";

export default defineConfig({
  resolve: { alias: verifierAliases },
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
