"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Reads are cheap and coalesced server-side; actions (mutations) are never retried.
          queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 1_000 },
          mutations: { retry: false },
        },
      }),
  );
  // Marks the page as interactive: tests (and scripts) wait for it instead of clicking a
  // server-rendered control before React has attached its handlers.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
