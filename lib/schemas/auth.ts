import { z } from "./zod";
import { PERMISSIONS, ROLES } from "@/lib/auth/permissions";
import { text } from "./common";

// Sign-in, sign-out, password change, and "who am I" (the UI hides what a role cannot do).

export const RoleName = z.enum(ROLES);
export const PermissionName = z.enum(PERMISSIONS);

export const LoginRequest = z.object({
  name: text(63, 1),
  password: text(1024, 1),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** The same, as the plain sign-in form posts it (no JavaScript): where to go afterwards. */
export const LoginFormRequest = LoginRequest.extend({ next: z.string().max(2000).optional() });

export const MeUser = z.object({ id: z.number(), name: z.string(), defaultRole: RoleName });

export const LoginResponse = z.object({ user: MeUser });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const EmptyRequest = z.object({}).strict();

export const PasswordRequest = z.object({
  current: text(1024, 1),
  next: text(1024, 1),
});
export type PasswordRequest = z.infer<typeof PasswordRequest>;

export const OkResponse = z.object({ ok: z.literal(true) });

export const MeResponse = z.object({
  user: MeUser,
  /** what applies on console-wide pages (audit log, users) */
  consolePermissions: z.array(PermissionName),
  /** per configured server: the role and what it allows */
  servers: z.array(z.object({ id: z.string(), name: z.string(), role: RoleName, permissions: z.array(PermissionName) })),
});
export type MeResponse = z.infer<typeof MeResponse>;

export const HealthResponse = z.object({ ok: z.boolean(), store: z.enum(["ok", "unavailable"]) });
export type HealthResponse = z.infer<typeof HealthResponse>;
