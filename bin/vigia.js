#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so it works from a fresh checkout without a build.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
