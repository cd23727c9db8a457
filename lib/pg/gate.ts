/**
 * A promise opened by hand, once (Promise.withResolvers needs Node 22): lets a background read
 * wait until the request that started it has answered.
 */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
