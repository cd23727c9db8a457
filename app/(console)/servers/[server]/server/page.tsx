import { ServerInfoPage } from "@/components/server/server-info-page";
import { requirePageUser } from "@/lib/auth/page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  await requirePageUser("read", server);
  return <ServerInfoPage server={server} />;
}
