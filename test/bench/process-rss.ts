// Resident memory of the console under test: the `next start` process listening on the stack's
// port and every process below it (Next may fork workers), from ps.
import { execFileSync } from "node:child_process";

export function consoleRssMb(baseUrl: string): number {
  const port = new URL(baseUrl).port;
  const lines = execFileSync("ps", ["-eo", "pid=,ppid=,rss=,args="], { encoding: "utf8" }).trim().split("\n");
  const procs = lines.map((l) => {
    const [pid, ppid, rss, ...args] = l.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), rss: Number(rss), args: args.join(" ") };
  });
  const root = procs.find((p) => p.args.includes("next") && p.args.includes(" start") && p.args.includes(`-p ${port}`));
  if (!root) return 0;
  const tree = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (tree.has(p.ppid) && !tree.has(p.pid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return Math.round(procs.filter((p) => tree.has(p.pid)).reduce((a, p) => a + p.rss, 0) / 1024);
}
