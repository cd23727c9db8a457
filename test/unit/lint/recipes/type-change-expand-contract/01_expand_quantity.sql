SET lock_timeout = '2s';
ALTER TABLE public.orders ADD COLUMN quantity_new bigint;
CREATE FUNCTION public.orders_quantity_new_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.quantity_new := NEW.quantity::bigint;
  RETURN NEW;
END $$;
CREATE TRIGGER orders_quantity_new_sync BEFORE INSERT OR UPDATE ON public.orders
  FOR EACH ROW EXECUTE FUNCTION public.orders_quantity_new_sync();
