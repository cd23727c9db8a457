import "server-only";
import http from "node:http";
import https from "node:https";
import { PEER_HEADER } from "./peer-header";

// Next's route handlers see a Request without the socket, and `next start` fills X-Forwarded-For
// from the socket only when the client sent none, so a client talking to the console directly
// could choose its own "address". This stamps the real TCP peer on every request as it arrives,
// before Next reads it, overwriting any copy the client sent. Installed once at boot from
// instrumentation.ts (same process as `next start`'s HTTP server).

const PATCHED = Symbol.for("pgwarden.peerAddress");

export function recordPeerAddresses(): void {
  for (const proto of [http.Server.prototype, https.Server.prototype] as (http.Server & { [PATCHED]?: true })[]) {
    if (Object.hasOwn(proto, PATCHED)) continue;
    const emit = proto.emit;
    proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const req = args[0] as http.IncomingMessage;
        req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? "";
      }
      return (emit as (this: http.Server, ...a: unknown[]) => boolean).call(this, event, ...args);
    } as typeof proto.emit;
    Object.defineProperty(proto, PATCHED, { value: true });
  }
}
