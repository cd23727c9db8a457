import { ActivityPage } from "@/components/activity/activity-page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  return <ActivityPage server={server} />;
}
