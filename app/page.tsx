import { redirect } from "next/navigation";
import { visibleServers } from "@/lib/auth/me";
import { requirePageUser } from "@/lib/auth/page";

export const dynamic = "force-dynamic";

export default async function Home() {
  // Nothing about the configuration before sign-in: not a server id, not a configuration error.
  const user = await requirePageUser();
  let first: string | undefined;
  try {
    first = visibleServers(user)[0]?.id;
  } catch (err) {
    // Registry errors name the variable, the field and the problem: never a path or file content.
    return (
      <main className="p-6">
        <h1 className="text-lg font-semibold">pgwarden is not configured</h1>
        <pre className="mt-2 whitespace-pre-wrap text-sm">{(err as Error).message}</pre>
      </main>
    );
  }
  if (!first) {
    return (
      <main className="p-6">
        <h1 className="text-lg font-semibold">No servers for you here</h1>
        <p className="mt-2 text-sm">Your account may see none of the configured servers. Ask an administrator.</p>
      </main>
    );
  }
  // The fleet is the first page a DBA opens (issue 12): every server at a glance, worst first.
  redirect("/fleet");
}
