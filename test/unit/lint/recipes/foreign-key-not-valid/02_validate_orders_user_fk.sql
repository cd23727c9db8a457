ALTER TABLE public.orders VALIDATE CONSTRAINT orders_user_fk;
