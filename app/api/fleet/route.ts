import { handler } from "@/lib/api/handler";
import { fleetSummaries } from "@/lib/monitoring/fleet";
import { FleetResponse } from "@/lib/schemas/metrics";

export const dynamic = "force-dynamic";

// One summary per server the user may read, from the store's newest samples.
export const GET = handler({ permission: "read", response: FleetResponse }, ({ user }) => fleetSummaries(user));
