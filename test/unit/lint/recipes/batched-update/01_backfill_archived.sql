UPDATE public.orders SET archived = false
 WHERE ctid = ANY (ARRAY(
   SELECT ctid FROM public.orders WHERE (archived) IS DISTINCT FROM (false) LIMIT 5000 FOR UPDATE SKIP LOCKED));
