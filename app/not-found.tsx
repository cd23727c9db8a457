import Link from "next/link";

export const metadata = { title: "Not found · pgwarden" };

/** A real 404 (status and page) for unknown paths and unknown server ids, with the way back. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6" data-testid="not-found">
      <div className="max-w-md rounded-lg border border-zinc-200 p-6 text-sm dark:border-zinc-800">
        <h1 className="mb-2 text-lg font-semibold">Page not found</h1>
        <p className="mb-4 text-zinc-600 dark:text-zinc-400">
          pgwarden has no page at this address: the link may be old, or the server it names is no longer configured.
        </p>
        <Link href="/" className="text-blue-700 underline dark:text-blue-400">
          Back to the console
        </Link>
      </div>
    </main>
  );
}
