DROP VIEW public.orders;
