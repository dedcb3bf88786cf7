// A reader's copy of every client's gold_clients row, kept from what gold's thread sends after each commit
// (ClientStates.takeDelta, src/main/gold-broadcast.ts), so that the readers compute over rows in memory
// rather than reading them all in SQL (docs/pipeline.md, "Gold's state in memory"). The copy is used only for
// the read transaction whose gold it is: the same epoch and watermark. Otherwise (a delta still on its way,
// gold's thread restarted, no thread at all, a CLI) the reader reads SQL, as it always could.
import { ClientStates, type ClientDelta } from '../gold/client-states'

export class ClientMirror {
  private states: ClientStates | null = null
  private epoch = -1
  private watermark = -1
  /** A whole copy was asked for and has not come yet. */
  private asked = false

  /**
   * Takes a delta, in the order gold's thread sent them. One that does not follow the copy (a reader that
   * started after gold's thread, a message lost to a restart) drops the copy; `askReset` asks gold's thread
   * for a whole one, which comes with its next commit.
   */
  receive(delta: ClientDelta, askReset: () => void): void {
    if (delta.reset) {
      this.states = new ClientStates()
      this.asked = false
    }
    try {
      if (!this.states) throw new Error('no copy to apply a delta to')
      this.states.apply(delta)
      this.epoch = delta.epoch
      this.watermark = delta.watermark
    } catch {
      this.states = null
      this.epoch = this.watermark = -1
      if (!this.asked) askReset()
      this.asked = true
    }
  }

  /** The clients' rows as gold's epoch `epoch` and watermark `watermark` hold them, or null if not known. */
  at(epoch: number, watermark: number): ClientStates | null {
    return this.states && epoch === this.epoch && watermark === this.watermark ? this.states : null
  }
}
