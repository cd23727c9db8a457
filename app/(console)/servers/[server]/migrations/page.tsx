import { MigrationHistoryPage } from "@/components/migrations/history/history-page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  return <MigrationHistoryPage server={server} />;
}
