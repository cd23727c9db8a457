SET lock_timeout = '2s';
ALTER TABLE public.events ALTER COLUMN seq SET NOT NULL;
ALTER TABLE public.events DROP CONSTRAINT events_seq_not_null;
