// 10: silver's index on ts alone goes (issue #18). silver_events_type_ts (type, ts, device) answers a range of
// ts as one range per type (four, the table's CHECK says) and holds the device too: the index on ts was one
// more b-tree for every insert to write, and answered nothing the other cannot.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  DROP INDEX silver_events_ts;
`
