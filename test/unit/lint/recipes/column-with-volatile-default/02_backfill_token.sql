-- run until it reports UPDATE 0
UPDATE public.orders SET token = gen_random_uuid()
 WHERE ctid = ANY (ARRAY(
   SELECT ctid FROM public.orders WHERE token IS NULL LIMIT 5000 FOR UPDATE SKIP LOCKED));
