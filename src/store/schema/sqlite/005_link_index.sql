-- 005_link_index.sql: links are read from both ends.
CREATE INDEX case_links_b ON case_links(b);
