import { IndexesPage } from "@/components/storage/indexes-page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  return <IndexesPage server={server} />;
}
