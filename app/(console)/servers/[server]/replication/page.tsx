import { ReplicationPage } from "@/components/replication/replication-page";
import { requireServerPageUser } from "@/lib/auth/page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  await requireServerPageUser(server);
  return <ReplicationPage server={server} />;
}
