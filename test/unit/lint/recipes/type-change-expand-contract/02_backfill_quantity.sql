UPDATE public.orders SET quantity_new = quantity::bigint
 WHERE ctid = ANY (ARRAY(
   SELECT ctid FROM public.orders WHERE quantity_new IS NULL AND quantity IS NOT NULL LIMIT 5000 FOR UPDATE SKIP LOCKED));
