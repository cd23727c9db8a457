import type { AnyCollector, SampledTarget } from "./collector";

/**
 * One run of one collector for one server; never rejects. A failed read is recorded through the
 * collector's own `failed` (the core collector stores the server as down); a failed store is only
 * reported, the next interval tries again.
 */
export async function runCollector(
  c: AnyCollector,
  server: SampledTarget,
  onError: (what: string, err: unknown) => void = () => {},
  onOk: () => void = () => {},
): Promise<boolean> {
  const intervalS = c.intervalS();
  let value: unknown;
  try {
    value = await c.read(server);
  } catch (err) {
    onError("read failed", err);
    await c.failed?.({ server, at: Date.now(), intervalS }, err).catch((e) => onError("recording the failure failed", e));
    return false;
  }
  try {
    await c.store({ server, at: Date.now(), intervalS }, value);
    onOk();
    return true;
  } catch (err) {
    onError("store failed", err);
    return false;
  }
}
