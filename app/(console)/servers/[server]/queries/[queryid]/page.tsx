import { QueryPage } from "@/components/queries/query-page";

export default async function Page({ params }: { params: Promise<{ server: string; queryid: string }> }) {
  const { server, queryid } = await params;
  return <QueryPage server={server} queryid={queryid} />;
}
