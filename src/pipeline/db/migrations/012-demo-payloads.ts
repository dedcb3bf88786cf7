// 12: the demo feed's payloads indexed apart. The status asks every 2 s whether the database holds demo data;
// without an index, a database of real data answered "no" only after reading all of landing (25-190 ms at 10
// million events). A partial index holds the demo's rows alone: real data writes nothing more. IF NOT EXISTS:
// the tests that take a database back to an older schema leave it in place.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  CREATE INDEX IF NOT EXISTS landing_payloads_demo ON landing_payloads(id) WHERE source = 'demo';
`
