ALTER TABLE public.events ADD COLUMN seq bigserial;
