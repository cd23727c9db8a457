UPDATE public.events SET seq = nextval('public.events_seq_seq')
 WHERE ctid = ANY (ARRAY(
   SELECT ctid FROM public.events WHERE seq IS NULL LIMIT 5000 FOR UPDATE SKIP LOCKED));
