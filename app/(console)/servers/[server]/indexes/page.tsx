import { IndexesPage } from "@/components/storage/indexes-page";
import { firstView, pageQuery } from "@/lib/api/first-view";
import { requireServerPageUser } from "@/lib/auth/page";
import { indexesPage } from "@/lib/pg/indexes";
import { IndexesQuery } from "@/lib/schemas/storage";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function Page({ params, searchParams }: { params: Promise<{ server: string }>; searchParams: SearchParams }) {
  const { server } = await params;
  // Pages render beside their layout, not after it: check the session here too before reading.
  await requireServerPageUser(server);
  // The first rows come with the page (same shared read as the API); polling takes over from there.
  const query = pageQuery(IndexesQuery, await searchParams);
  // They never wait for the whole database (a page measured alone) nor for judging every index.
  const initial = await firstView(() => indexesPage(server, query, { provisional: true }));
  return <IndexesPage server={server} initial={initial} />;
}
