import { redirect } from "next/navigation";
import { servers } from "@/lib/config/servers";

export const dynamic = "force-dynamic";

export default function Home() {
  let first: string | undefined;
  try {
    first = servers()[0]?.id;
  } catch (err) {
    // Configuration errors are written for people; they never contain connection strings.
    return (
      <main className="p-6">
        <h1 className="text-lg font-semibold">pgwarden is not configured</h1>
        <pre className="mt-2 whitespace-pre-wrap text-sm">{(err as Error).message}</pre>
      </main>
    );
  }
  redirect(`/servers/${first}/activity`);
}
