ALTER TABLE public.orders VALIDATE CONSTRAINT orders_token_not_null;
