ALTER TABLE public.orders ALTER COLUMN quantity TYPE bigint;
