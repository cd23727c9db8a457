BEGIN;
SET LOCAL lock_timeout = '2s';
DROP TRIGGER orders_quantity_new_sync ON public.orders;
DROP FUNCTION public.orders_quantity_new_sync();
-- pgwarden-lint-ignore drop-column: release 42 reads and writes quantity_new only
ALTER TABLE public.orders DROP COLUMN quantity;
COMMIT;
