import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/", "**/node_modules/", "packages/futures-cli/data/", "bench/out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain JavaScript here runs on Node: its globals are known, and .cjs files require().
    files: ["**/*.{js,mjs,cjs}"],
    rules: { "no-undef": "off", "@typescript-eslint/no-require-imports": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
