/** Set by lib/auth/peer-address.ts on every incoming request: the TCP peer's address. */
export const PEER_HEADER = "x-pgwarden-peer";
