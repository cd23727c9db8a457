SET lock_timeout = '2s';
ALTER TABLE public.events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;
