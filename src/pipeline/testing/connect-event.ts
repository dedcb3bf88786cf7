// Test helper: a device's connect on server s1, for client c-<device>, on a 100 Mb/s plan.
export const connectEvent = (id: string, device: string, ts: number) => ({
  id,
  type: 'connect',
  ts,
  server: 's1',
  device,
  client: `c-${device}`,
  plan_mbps: 100,
})
