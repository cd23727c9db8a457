SET lock_timeout = '2s';
ALTER TABLE public.events ATTACH PARTITION public.events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE public.events_2025 DROP CONSTRAINT events_2025_partition_bound;
