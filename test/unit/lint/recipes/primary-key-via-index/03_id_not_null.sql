SET lock_timeout = '2s';
ALTER TABLE public.events ALTER COLUMN id SET NOT NULL;
ALTER TABLE public.events DROP CONSTRAINT events_id_not_null;
