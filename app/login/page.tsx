import { connection } from "next/server";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { publicOrigin } from "@/lib/auth/cookie";
import { originsAllowedFor } from "@/lib/auth/csrf";
import { currentUser } from "@/lib/auth/page";
import { safeNextPath } from "@/lib/auth/next-path";

export const dynamic = "force-dynamic";

type SearchParams = Promise<{ next?: string | string[]; error?: string | string[] }>;

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  await connection(); // the CSP nonce needs a per-request render
  const { next, error } = await searchParams;
  const target = safeNextPath(typeof next === "string" ? next : undefined);
  if (await currentUser().catch(() => undefined)) redirect(target);
  const configured = publicOrigin();
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-lg border border-zinc-200 p-6 shadow-sm dark:border-zinc-800">
        <h1 className="mb-1 text-lg font-semibold">pgwarden</h1>
        <p className="mb-4 text-sm text-zinc-500">Sign in to the console.</p>
        {/* The error is a code from the sign-in route's redirect; the form maps it to fixed words. */}
        <LoginForm next={target} error={typeof error === "string" ? error.slice(0, 40) : undefined} publicOrigin={configured} allowedOrigins={configured ? originsAllowedFor(configured) : undefined} />
      </div>
    </main>
  );
}
