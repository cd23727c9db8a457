// The launcher lives in lib/embedded/pgbouncer.ts (the demo starts one too); tests import it here.
export * from "../../lib/embedded/pgbouncer";
