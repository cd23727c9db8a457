import { SpacePage } from "@/components/storage/space-page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  return <SpacePage server={server} />;
}
