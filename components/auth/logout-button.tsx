"use client";
import { Button } from "@/components/ui/button";
import { useLogout } from "@/lib/queries/auth";

/** Ends this session on the server (not just the cookie), then goes to the sign-in page. */
export function LogoutButton() {
  const logout = useLogout();
  return (
    <Button size="sm" variant="ghost" disabled={logout.isPending} onClick={() => logout.mutate(undefined, { onSettled: () => window.location.assign("/login") })}>
      Sign out
    </Button>
  );
}
