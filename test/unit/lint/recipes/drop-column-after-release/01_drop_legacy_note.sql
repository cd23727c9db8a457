SET lock_timeout = '2s';
-- pgwarden-lint-ignore drop-column: ignored_columns since release 40, nothing reads legacy_note
ALTER TABLE public.orders DROP COLUMN legacy_note;
