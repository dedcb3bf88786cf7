// The only source of randomness of the simulator. Everything it draws comes from pure-rand's
// xoroshiro128+ seeded by the user's seed, so a seed and a set of options always give the same output.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator'

/** Independent streams, so that changing one aspect (e.g. the bad share) does not shift the others. */
export const STREAMS = { topology: 1, traffic: 2, corruption: 3, seedFormat: 4 } as const
export type StreamName = keyof typeof STREAMS

// Seeds that differ in one bit start from nearly equal states; these first outputs are still correlated.
const WARM_UP = 32

export class Rng {
  private constructor(private readonly generator: JumpableRandomGenerator) {}

  /** A stream of the seed: jumping 2^64 steps per stream keeps the streams from ever overlapping. */
  static stream(seed: number, stream: StreamName): Rng {
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
      throw new RangeError(`seed must be an integer from 0 to 4294967295, got ${seed}`)
    }
    const generator = xoroshiro128plus(seed | 0)
    for (let i = 0; i < WARM_UP; i++) generator.next()
    for (let i = 0; i < STREAMS[stream]; i++) generator.jump()
    return new Rng(generator)
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.generator)
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.generator, min, max)
  }

  chance(probability: number): boolean {
    return this.float() < probability
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.float()
  }

  pick<T>(values: readonly T[]): T {
    if (values.length === 0) throw new RangeError('cannot pick from an empty list')
    return values[this.int(0, values.length - 1)] as T
  }

  /** Picks values[i] with probability weights[i] / sum(weights). */
  weighted<T>(values: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((sum, w) => sum + w, 0)
    let target = this.float() * total
    for (let i = 0; i < values.length; i++) {
      target -= weights[i] ?? 0
      if (target < 0) return values[i] as T
    }
    return values[values.length - 1] as T
  }

  /**
   * Pareto with scale `min` and shape `alpha`: most draws near `min`, a few very large. Shapes near 1 are
   * what ISP traffic looks like: a small share of subscribers carries most of the bytes.
   */
  pareto(min: number, alpha: number): number {
    const u = 1 - this.float() // (0, 1]: never divides by zero
    return min / u ** (1 / alpha)
  }

  /** Log-normal with the given median; `sigma` is the spread of its logarithm. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }

  /** Standard normal (Box-Muller; one draw discarded to keep the sequence simple to reason about). */
  normal(): number {
    const u = 1 - this.float()
    const v = this.float()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}
