import { Suspense } from "react";
import { FleetPage } from "@/components/fleet/fleet-page";
import { requirePageUser } from "@/lib/auth/page";

export const dynamic = "force-dynamic";

export default async function Page() {
  await requirePageUser();
  return (
    <Suspense>
      <FleetPage />
    </Suspense>
  );
}
