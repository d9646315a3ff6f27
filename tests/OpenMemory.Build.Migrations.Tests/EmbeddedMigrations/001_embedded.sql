-- embedded
CREATE TABLE {{tables.embedded}} (id INTEGER);
