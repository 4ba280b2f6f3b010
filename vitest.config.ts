import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  // @tokenmint/verifier from its sources, as tsconfig.json's paths say.
  resolve: { tsconfigPaths: true },
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
