UPDATE public.orders SET archived = false;
