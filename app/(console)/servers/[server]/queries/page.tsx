import { QueriesPage } from "@/components/queries/queries-page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  return <QueriesPage server={server} />;
}
