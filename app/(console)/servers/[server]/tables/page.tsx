import { TablesPage } from "@/components/storage/tables-page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  return <TablesPage server={server} />;
}
