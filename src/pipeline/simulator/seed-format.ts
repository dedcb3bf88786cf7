// Replays the shape of the original Databricks generator (the seed project): every 10 s one batch of
// Portuguese-named records, homogeneous in device and status, in the order its four jobs wrote them.
import { DateTime } from 'luxon'
import { PLAN_SPEEDS_MBPS } from './profiles'
import { Rng } from './random'
import { DEFAULT_START } from './simulation'

export interface SeedFormatRecord {
  Nome: string
  Endereco: string
  Ip: string
  /** Naive local time, 'YYYY-MM-DD HH:mm:ss', as the seed's datetime.now() came out. */
  Hora_Conexao: string
  Dispositivo_de_Acesso: 'Computador' | 'Celular'
  Velocidade_de_Conexao: number
  Status_Conexao: 'Conectado' | 'Desconectado'
}

export interface SeedBatch {
  /** When the batch was written, epoch ms. */
  ts: number
  records: SeedFormatRecord[]
}

export interface SeedFormatOptions {
  seed: number
  /** Time of the first batch, epoch ms (default DEFAULT_START). */
  start?: number
  /** IANA zone of Hora_Conexao; the default is this machine's, which is also how Vigia reads seed records. */
  timeZone?: string
  /** Live runs stamp each batch with this clock instead of start + 10 s per batch. */
  clock?: () => number
}

export const SEED_BATCH_INTERVAL_MS = 10_000

/** The seed's four jobs: (device, status, records per batch). */
export const SEED_BATCH_KINDS = [
  { device: 'Computador', status: 'Conectado', size: 40 },
  { device: 'Celular', status: 'Conectado', size: 80 },
  { device: 'Computador', status: 'Desconectado', size: 70 },
  { device: 'Celular', status: 'Desconectado', size: 60 },
] as const

const FIRST_NAMES = [
  'Ana',
  'Maria',
  'João',
  'José',
  'Francisco',
  'Antônio',
  'Carlos',
  'Paulo',
  'Pedro',
  'Lucas',
  'Luiz',
  'Marcos',
  'Gabriel',
  'Rafael',
  'Juliana',
  'Fernanda',
  'Patrícia',
  'Aline',
  'Camila',
  'Beatriz',
  'Larissa',
  'Letícia',
  'Mariana',
  'Vitória',
  'Bruno',
  'Felipe',
  'Gustavo',
  'Thiago',
  'Rodrigo',
  'Daniel',
  'Sofia',
  'Helena',
] as const
const SURNAMES = [
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Rodrigues',
  'Ferreira',
  'Alves',
  'Pereira',
  'Lima',
  'Gomes',
  'Costa',
  'Ribeiro',
  'Martins',
  'Carvalho',
  'Almeida',
  'Lopes',
  'Soares',
  'Fernandes',
  'Vieira',
  'Barbosa',
  'Rocha',
  'Dias',
  'Nascimento',
  'Andrade',
  'Moreira',
  'Nunes',
  'Marques',
  'Machado',
  'Mendes',
  'Freitas',
  'Cardoso',
] as const
const STREET_TYPES = ['Rua', 'Avenida', 'Travessa', 'Alameda', 'Praça'] as const
const NEIGHBOURHOODS = [
  'Centro',
  'Jardim América',
  'Vila Nova',
  'Boa Vista',
  'São José',
  'Santa Luzia',
] as const
const CITIES = [
  ['Porto Alegre', 'RS'],
  ['São Paulo', 'SP'],
  ['Belo Horizonte', 'MG'],
  ['Recife', 'PE'],
  ['Curitiba', 'PR'],
  ['Salvador', 'BA'],
] as const

export function* seedFormatBatches(options: SeedFormatOptions): Generator<SeedBatch> {
  const rng = Rng.stream(options.seed, 'seedFormat')
  const start = options.start ?? DEFAULT_START
  const zone = options.timeZone ?? 'system'
  if (!DateTime.now().setZone(zone).isValid) throw new RangeError(`unknown time zone ${zone}`)
  for (let batch = 0; ; batch++) {
    const ts = options.clock ? options.clock() : start + batch * SEED_BATCH_INTERVAL_MS
    const hora = DateTime.fromMillis(ts, { zone }).toFormat('yyyy-MM-dd HH:mm:ss')
    const kind = SEED_BATCH_KINDS[batch % SEED_BATCH_KINDS.length] as (typeof SEED_BATCH_KINDS)[number]
    const records: SeedFormatRecord[] = []
    for (let k = 0; k < kind.size; k++) {
      records.push({
        Nome: `${rng.pick(FIRST_NAMES)} ${rng.pick(SURNAMES)} ${rng.pick(SURNAMES)}`,
        Endereco: address(rng),
        Ip: privateIpv4(rng),
        Hora_Conexao: hora,
        Dispositivo_de_Acesso: kind.device,
        // The seed drew speeds uniformly (random.choice), unlike the weighted plans of createSimulation.
        Velocidade_de_Conexao: rng.pick(PLAN_SPEEDS_MBPS),
        Status_Conexao: kind.status,
      })
    }
    yield { ts, records }
  }
}

function address(rng: Rng): string {
  const [city, state] = rng.pick(CITIES)
  const street = `${rng.pick(STREET_TYPES)} ${rng.pick(FIRST_NAMES)} ${rng.pick(SURNAMES)}`
  return `${street}, ${rng.int(1, 3000)} - ${rng.pick(NEIGHBOURHOODS)}, ${city} - ${state}`
}

/** What Faker's ipv4_private gives: an address in one of the three RFC 1918 ranges. */
function privateIpv4(rng: Rng): string {
  const octet = () => rng.int(0, 255)
  switch (rng.int(0, 2)) {
    case 0:
      return `10.${octet()}.${octet()}.${rng.int(1, 254)}`
    case 1:
      return `172.${rng.int(16, 31)}.${octet()}.${rng.int(1, 254)}`
    default:
      return `192.168.${octet()}.${rng.int(1, 254)}`
  }
}
