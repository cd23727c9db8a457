BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE public.orders RENAME TO purchases;
CREATE VIEW public.orders AS SELECT * FROM public.purchases;
COMMIT;
