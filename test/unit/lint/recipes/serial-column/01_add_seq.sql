SET lock_timeout = '2s';
ALTER TABLE public.events ADD COLUMN seq bigint;
CREATE SEQUENCE public.events_seq_seq OWNED BY public.events.seq;
ALTER TABLE public.events ALTER COLUMN seq SET DEFAULT nextval('public.events_seq_seq');
