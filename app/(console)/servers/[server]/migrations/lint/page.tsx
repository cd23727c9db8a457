import { LintPage } from "@/components/migrations/lint/lint-page";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  return <LintPage server={server} />;
}
