import * as z from "./zod-parts";

// zod compiles object parsers with `new Function` after probing whether eval is allowed. Under the
// console's CSP (no 'unsafe-eval') the probe fails harmlessly but every page still sends a
// securitypolicyviolation report. jitless skips the probe and the compiled path. It must be set
// before the first schema is built (zod decides per schema when it is created), so every module
// that builds schemas imports `z` from here rather than from "zod" (test/unit/security/zod-jitless).
// `z` holds only the parts the console uses (./zod-parts.ts), so client bundles leave zod's
// locales out.
z.config({ jitless: true });

export { z };
