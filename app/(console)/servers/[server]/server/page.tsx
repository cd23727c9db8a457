import { ServerInfoPage } from "@/components/server/server-info-page";
import { requireServerPageUser } from "@/lib/auth/page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  await requireServerPageUser(server);
  return <ServerInfoPage server={server} />;
}
