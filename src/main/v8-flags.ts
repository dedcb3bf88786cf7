// V8's memory reducer runs full collections in a heap that has stopped allocating, to give memory back. An
// open page asks every second, so each of Vigia's threads stops and starts again all the time: the reducer
// ran 27 full collections in 30 idle seconds, freeing next to nothing, about a third of the server's idle
// CPU (docs/benchmarks.md, "server CPU with the Overview open"). Under load it does not run at all.
import { setFlagsFromString } from 'node:v8'

/** The flags for every thread; `npm start` passes them to node or Electron itself, for the main thread. */
export const V8_FLAGS = '--no-memory-reducer'

/** Sets V8_FLAGS for the threads started from now on: the engine, the readers, the checkpointer. */
export function setWorkerV8Flags(): void {
  setFlagsFromString(V8_FLAGS)
}
