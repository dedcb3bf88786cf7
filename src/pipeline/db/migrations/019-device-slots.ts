// 19: each device gets a slot, a small number of its own: its place in the memory gold's thread shares with
// the readers (src/pipeline/gold/shared-seen.ts), where they read the device's last_seen and minute_first_ts
// by the slot their statements find in its row. gold_devices has no rowid (migration 3); gold numbers the new
// devices from the highest slot on. The devices already there are numbered in key order.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  ALTER TABLE gold.gold_devices ADD COLUMN slot INTEGER;
  UPDATE gold.gold_devices AS d SET slot = x.n
  FROM (SELECT device, row_number() OVER (ORDER BY device) - 1 AS n FROM gold.gold_devices) AS x
  WHERE x.device = d.device;
`
