import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import nextPlugin from "@next/eslint-plugin-next";

export default tseslint.config(
  { ignores: [".next/**", ".next-*/**", "node_modules/**", ".pgwarden/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...tseslint.configs.recommended,
  {
    plugins: { "react-hooks": reactHooks, "@next/next": nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Database strings must always render as text (pgAdmin XSS history).
      "no-restricted-syntax": [
        "error",
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: "Render database strings as text." },
      ],
      // We do not run the React Compiler; TanStack Virtual's non-memoizable API is expected.
      "react-hooks/incompatible-library": "off",
      "no-eval": "error",
      "no-new-func": "error",
    },
  },
  // Playwright fixtures call a parameter named `use`; it is not React's hook.
  { files: ["test/e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
);
