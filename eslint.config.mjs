// Type-aware linting (typescript-eslint's recommended type-checked rules) plus Pulumi's own rules,
// which catch an Output interpolated into a template string instead of through pulumi.interpolate.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

// Layers point one way: config ← renderers ← components ← composition (stacks/) ← program (index.ts);
// harness/ (the mock harness and the real-binary drivers) sits above them, tests and benchmarks on top.
const above = {
    config: ["renderers", "components", "stacks", "harness", "test", "bench", "index"],
    renderers: ["components", "stacks", "harness", "test", "bench", "index"],
    components: ["stacks", "harness", "test", "bench", "index"],
    stacks: ["harness", "test", "bench", "index"],
    harness: ["test", "bench"],
    bench: ["test"],
    scripts: ["test", "bench"],
};
const layerRules = Object.entries(above).map(([layer, forbidden]) => ({
    files: [`${layer}/**/*.ts`],
    rules: {
        "no-restricted-imports": [
            "error",
            {
                patterns: forbidden.map((name) => ({
                    group: [`../${name}`, `../${name}/*`, `../../${name}`, `../../${name}/*`],
                    message: `${layer}/ may not import from ${name}: layers point one way (see eslint.config.mjs).`,
                })),
            },
        ],
    },
}));

export default tseslint.config(
    {
        ignores: [
            "**/node_modules/**",
            ".stryker-tmp/**",
            "reports/**",
            "e2e/**",
            "sso/**",
            "bench/results/**",
            "**/*.js",
            "**/*.mjs",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: {
                project: ["./tsconfig.json", "./test/sso/tsconfig.json", "./policies/tsconfig.json"],
                tsconfigRootDir: import.meta.dirname,
            },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            // Polls handed to waitFor return a promise by contract, whether or not they await.
            "@typescript-eslint/require-await": "off",
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
        },
    },
    ...layerRules,
);
