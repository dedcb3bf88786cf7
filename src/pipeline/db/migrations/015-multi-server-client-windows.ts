// 15: gold_live_client_servers keeps only the clients with usage on more than one server in the window. A
// client on one server has its bytes there in gold_clients already (main_bytes, equal to window_bytes), and
// each second the window moves rewrites nearly every client's row: a second row per client doubled it.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  DELETE FROM gold_live_client_servers WHERE client IN (
    SELECT client FROM gold_live_client_servers GROUP BY client HAVING count(*) = 1);
`
