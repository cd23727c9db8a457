SET lock_timeout = '2s';
ALTER TABLE public.events DETACH PARTITION public.events_2023 CONCURRENTLY;
