-- 012_casepage_code_trgm.sql - the case list's search finds a case by a
-- piece of its tracking code (HJY7X finds FQ-HJY7X-6FEC9): a LIKE '%...%'
-- on case_codes, which this trigram index answers without reading every
-- code.
CREATE INDEX case_codes_trgm ON case_codes USING gin (tracking_code gin_trgm_ops);
