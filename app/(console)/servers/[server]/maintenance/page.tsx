import { MaintenancePage } from "@/components/maintenance/maintenance-page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  return <MaintenancePage server={server} />;
}
