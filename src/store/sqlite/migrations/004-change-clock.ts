/**
 * The store's last change stamp, in the database: several processes may write one SQLite file
 * (a server and an \`odc pull\`, say), and each must hand out stamps above every stamp any of
 * them committed, or a cursor walk could pass a record committed later.
 */
export const version = 4;
export const name = 'change-clock';

export const up = `
CREATE TABLE change_clock (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  stamp  INTEGER NOT NULL
);
INSERT INTO change_clock (id, stamp)
SELECT 1, coalesce(max(s), 0) FROM (
  SELECT max(stamp) AS s FROM customers UNION ALL SELECT max(stamp) FROM leads UNION ALL SELECT max(stamp) FROM orders
  UNION ALL SELECT max(stamp) FROM reviews UNION ALL SELECT max(stamp) FROM events);
`;
