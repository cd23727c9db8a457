ALTER TABLE public.events VALIDATE CONSTRAINT events_seq_not_null;
