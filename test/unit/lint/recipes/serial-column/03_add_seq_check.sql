SET lock_timeout = '2s';
ALTER TABLE public.events ADD CONSTRAINT events_seq_not_null CHECK (seq IS NOT NULL) NOT VALID;
