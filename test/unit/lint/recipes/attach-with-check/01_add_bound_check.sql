SET lock_timeout = '2s';
ALTER TABLE public.events_2025 ADD CONSTRAINT events_2025_partition_bound CHECK (at IS NOT NULL AND at >= '2025-01-01' AND at < '2026-01-01') NOT VALID;
