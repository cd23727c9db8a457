SET lock_timeout = '2s';
REFRESH MATERIALIZED VIEW CONCURRENTLY public.daily_sales;
