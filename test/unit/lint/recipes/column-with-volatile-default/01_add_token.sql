SET lock_timeout = '2s';
ALTER TABLE public.orders ADD COLUMN token uuid;
ALTER TABLE public.orders ALTER COLUMN token SET DEFAULT gen_random_uuid();
