SET lock_timeout = '2s';
ALTER TABLE public.users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID;
