import { ActivityPage } from "@/components/activity/activity-page";
import { activityApiQuery, activityPageQueryFrom } from "@/lib/activity/params";
import { serverActivity } from "@/lib/activity/server-activity";
import { requireServerPageUser } from "@/lib/auth/page";
import { effectiveRole } from "@/lib/auth/permissions";
import type { ActivityResponse } from "@/lib/schemas/activity";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function Page({ params, searchParams }: { params: Promise<{ server: string }>; searchParams: SearchParams }) {
  const { server } = await params;
  // Pages render beside their layout, not after it: check the session here too before reading.
  const user = await requireServerPageUser(server);
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams)) {
    for (const one of typeof v === "string" ? [v] : (v ?? [])) sp.append(k, one);
  }
  // The first view comes with the page (same shared read as the API); polling takes over from there.
  // A failure or a slow server (down: connect timeout) is left to the client's first poll, which
  // shows it with the usual banner; the page itself never waits more than a second for it.
  const initial: ActivityResponse | undefined = await Promise.race([
    serverActivity(server, activityApiQuery(activityPageQueryFrom(sp)), effectiveRole(user, server)).catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(resolve, 1_000)),
  ]);
  return <ActivityPage server={server} initial={initial} />;
}
