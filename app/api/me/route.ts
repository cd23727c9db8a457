import { handler } from "@/lib/api/handler";
import { mePage } from "@/lib/auth/me";
import { MeResponse } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

export const GET = handler({ permission: "read", response: MeResponse }, async ({ user, role }) => mePage(user, role));
