CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS daily_sales_refresh_key ON public.daily_sales (day, store_id);
