ALTER TABLE public.events VALIDATE CONSTRAINT events_id_not_null;
