import { Suspense } from "react";
import { OverviewPage } from "@/components/overview/overview-page";
import { requireServerPageUser } from "@/lib/auth/page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  await requireServerPageUser(server);
  return (
    <Suspense>
      <OverviewPage server={server} />
    </Suspense>
  );
}
