REFRESH MATERIALIZED VIEW public.daily_sales;
