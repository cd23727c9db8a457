import { Suspense } from "react";
import { AuditPage } from "@/components/audit/audit-page";
import { requirePageUser } from "@/lib/auth/page";

export const dynamic = "force-dynamic";

// Console-wide, admins only (the API enforces the same; this just avoids showing an empty page).
export default async function Page() {
  await requirePageUser("admin");
  return (
    <Suspense>
      <AuditPage />
    </Suspense>
  );
}
