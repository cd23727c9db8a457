"use client";
import { createContext, useContext, type ReactNode } from "react";
import type { Permission } from "@/lib/auth/permissions";

// What the signed-in user may do on the current server, decided on the server by the layout.
// The UI hides or disables what is not allowed; every route checks again anyway.
const Ctx = createContext<readonly Permission[]>([]);

export function PermissionsProvider({ permissions, children }: { permissions: readonly Permission[]; children: ReactNode }) {
  return <Ctx.Provider value={permissions}>{children}</Ctx.Provider>;
}

export function useCan(permission: Permission): boolean {
  return useContext(Ctx).includes(permission);
}
