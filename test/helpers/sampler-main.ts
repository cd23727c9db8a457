// A console replica reduced to its sampler: a real, separate Node process (tsx import hook and the
// react-server condition, like the bench) sampling the servers of PGWARDEN_SERVERS into the store
// of PGWARDEN_STORE_URL. Started by test/helpers/sampler-process.ts; SIGTERM stops it cleanly
// (leases given back), SIGKILL is a replica dying.
import { ensureSampler, samplerStatus, stopSampler } from "@/lib/monitoring/sampler";

ensureSampler();
const status = samplerStatus();
if (!status) {
  console.error("sampler did not start (PGWARDEN_SAMPLER=off?)");
  process.exit(1);
}
console.log(`sampler ${status.owner} started`);
// The sampler's timer is unref'd (it never keeps a process alive on its own): this one does.
setInterval(() => {}, 60_000);
process.once("SIGTERM", () => {
  void stopSampler().finally(() => process.exit(0));
});
