import { TablesPage } from "@/components/storage/tables-page";
import { firstView, pageQuery } from "@/lib/api/first-view";
import { requireServerPageUser } from "@/lib/auth/page";
import { tablesPage } from "@/lib/pg/tables";
import { TablesQuery } from "@/lib/schemas/storage";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function Page({ params, searchParams }: { params: Promise<{ server: string }>; searchParams: SearchParams }) {
  const { server } = await params;
  // Pages render beside their layout, not after it: check the session here too before reading.
  await requireServerPageUser(server);
  // The first rows come with the page (same shared read as the API); polling takes over from there.
  // They never wait for the whole database's sizes: on a first look, the page is measured alone.
  const query = pageQuery(TablesQuery, await searchParams);
  const initial = await firstView(() => tablesPage(server, query, { provisional: true }));
  return <TablesPage server={server} initial={initial} />;
}
