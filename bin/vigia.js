#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so it works from a fresh checkout without a build.
import { register } from 'tsx/esm/api'

register()
const { setWorkerV8Flags } = await import('../src/main/v8-flags.ts')
setWorkerV8Flags()
await import('../src/cli/main.ts')
