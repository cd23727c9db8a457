import { handler } from "@/lib/api/handler";
import { auditExport } from "@/lib/store/audit-export";
import { AuditQuery, AuditResponse } from "@/lib/schemas/audit";

export const dynamic = "force-dynamic";

// Admins only (console-wide: the default role). ?format=csv downloads the filtered rows.
export const GET = handler({ permission: "admin", query: AuditQuery, response: AuditResponse }, ({ query }) =>
  auditExport(query),
);
