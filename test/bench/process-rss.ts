// Resident memory of the console under test: the `next start` process this bench spawned (Next
// renames itself "next-server (vX)", so it is found as this process's child) and every process
// below it, from ps.
import { execFileSync } from "node:child_process";

export function consoleRssMb(): number {
  const lines = execFileSync("ps", ["-eo", "pid=,ppid=,rss=,args="], { encoding: "utf8" }).trim().split("\n");
  const procs = lines.map((l) => {
    const [pid, ppid, rss, ...args] = l.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), rss: Number(rss), args: args.join(" ") };
  });
  const root = procs.find((p) => p.ppid === process.pid && p.args.includes("next"));
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
