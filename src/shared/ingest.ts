// The WebSocket ingestion endpoint's replies and live status (docs/protocol.md).

export interface RejectDetail {
  /** 0-based position among the frame's records. */
  index: number
  /** 1-based line of the frame, or element of its array. */
  line: number
  field: string | null
  reason: string
}

export type FrameReply =
  | {
      type: 'ack'
      seq: string
      accepted: number
      duplicates: number
      rejected: number
      rejects: RejectDetail[]
    }
  | { type: 'error'; seq: string; error: string }

export interface ConnectionStatus {
  id: string
  peer: string
  connectedAt: number
  lastSeen: number
  frames: number
  /** Records received (accepted, duplicate or rejected). */
  events: number
  rejects: number
  eventsPerSecond: number
  /** True while Vigia has stopped reading from it (backpressure). */
  paused: boolean
}
