DROP INDEX public.orders_old_idx;
