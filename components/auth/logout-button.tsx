"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { postJson } from "@/lib/queries/fetch-json";
import { OkResponse } from "@/lib/schemas/auth";

/** Ends this session on the server (not just the cookie), then goes to the sign-in page. */
export function LogoutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="sm"
      variant="ghost"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        // Whatever the answer (already expired, store down), leave the console page.
        await postJson("/api/auth/logout", {}, OkResponse).catch(() => undefined);
        window.location.assign("/login");
      }}
    >
      Sign out
    </Button>
  );
}
