SET lock_timeout = '2s';
ALTER TABLE public.orders ADD CONSTRAINT orders_token_not_null NOT NULL token NOT VALID;
