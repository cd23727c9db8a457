import { handler } from "@/lib/api/handler";
import { permissionsOf } from "@/lib/auth/permissions";
import { whoAmI } from "@/lib/auth/me";
import { MeResponse } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

export const GET = handler({ permission: "read", response: MeResponse }, async ({ user, role }) => ({
  ...whoAmI(user),
  consolePermissions: permissionsOf(role),
}));
