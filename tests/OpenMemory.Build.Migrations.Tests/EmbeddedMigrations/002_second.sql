CREATE TABLE {{tables.second}} (id INTEGER);
