import { Suspense } from "react";
import { HealthPage } from "@/components/health/health-page";
import { requireServerPageUser } from "@/lib/auth/page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  await requireServerPageUser(server);
  return (
    <Suspense>
      <HealthPage server={server} />
    </Suspense>
  );
}
