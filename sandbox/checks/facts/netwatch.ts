import pLimit from 'p-limit';
import type { Engine } from '../../engine/engine.js';
import { imageModeFromEnv, runtimeImage } from '../../images/catalogue.js';
import { LABEL } from '../../labels.js';
import type { Plan } from '../../plan/types.js';
import { listReplicas, type Replica } from '../../sandbox/replicas.js';
import { VERSION } from '../../version.js';

/** One destination a replica tried to open a TCP connection to (a SYN it sent). */
export interface Connection {
  address: string;
  port: number;
  /** The sandbox service at that address, when it is one. */
  service?: string;
  attempts: number;
}

/** One name a replica asked the DNS about. */
export interface Lookup {
  name: string;
  /** The sandbox name it is (a service, an alias, an edge host name), when it is one. */
  sandbox?: string;
  queries: number;
}

/** What one replica's network observer saw during the check run. */
export interface ReplicaNetwork {
  replica: string;
  /** How long it watched, in ms. */
  ms: number;
  connections: Connection[];
  lookups: Lookup[];
  /** The observer could not start or be read. */
  error?: string;
}

/** Good citizen and offline-friendly are judged on these, per task. */
export interface NetworkFacts {
  replicas: ReplicaNetwork[];
}

/** A SYN or a DNS question, as parsed from the capture. */
export type Packet = { kind: 'syn'; address: string; port: number } | { kind: 'dns'; name: string };

/** tcpdump's filter: outgoing connection attempts (SYN without ACK), and UDP to a DNS server. */
const FILTER =
  '(tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn) or (ip6 and ip6[6] == 6 and ip6[53] & 0x12 == 0x02) or (udp and (dst port 53 or dst host 127.0.0.11))';

/**
 * The capture command: tcpdump from Debian in Rehearsal's runtime image, on every interface of
 * the replica's network namespace, one line per packet (-l), numeric (-n), headers in hex (-x)
 * so DNS questions sent to Docker's resolver on its NATed port can be read too.
 */
export const CAPTURE = ['tcpdump', '-i', 'any', '-n', '-l', '-tt', '-p', '-x', '-s', '512', FILTER];

const HEADER = /^\d+\.\d+\s+(?:(\S+)\s+(In|Out|M|B|P)\s+)?(IP6?)\s+(\S+)\s+>\s+(\S+?):\s+(.*)$/;
const HEX = /^\s+0x[0-9a-f]+:\s+((?:[0-9a-f]{2,4}\s?)+)/;

function splitEndpoint(ep: string): { address: string; port: number } {
  const dot = ep.lastIndexOf('.');
  return { address: ep.slice(0, dot), port: Number(ep.slice(dot + 1)) };
}

const LOOPBACK = (a: string) => a.startsWith('127.') || a === '::1';

/** The DNS question name of a UDP datagram (IP header onward, as tcpdump -x prints it). */
export function dnsQuestion(bytes: Buffer, ip6: boolean): string | undefined {
  const ipHeader = ip6 ? 40 : ((bytes[0] ?? 0) & 0x0f) * 4;
  let at = ipHeader + 8 + 12;
  const labels: string[] = [];
  while (at < bytes.length) {
    const n = bytes[at]!;
    if (n === 0) return labels.length ? labels.join('.').toLowerCase() : undefined;
    if (n > 63 || at + 1 + n > bytes.length) return undefined;
    labels.push(bytes.toString('latin1', at + 1, at + 1 + n));
    at += 1 + n;
  }
  return undefined;
}

/**
 * Parses tcpdump's text output (header line, then hex lines) into outgoing SYNs and DNS questions.
 * Loopback traffic (the container talking to itself, its health probe) is not a connection out.
 */
export function parseCapture(lines: string[], own: string[] = []): Packet[] {
  const out: Packet[] = [];
  const seen = new Set<string>();
  let current: { ip6: boolean; dns: boolean; hex: string[] } | undefined;
  const flush = () => {
    if (current?.dns) {
      const name = dnsQuestion(Buffer.from(current.hex.join(''), 'hex'), current.ip6);
      if (name) out.push({ kind: 'dns', name });
    }
    current = undefined;
  };
  for (const line of lines) {
    const hex = HEX.exec(line);
    if (hex) {
      current?.hex.push(hex[1]!.replace(/\s+/g, ''));
      continue;
    }
    flush();
    const m = HEADER.exec(line);
    if (!m) continue;
    const [, device, direction, ip, src, dst, rest] = m;
    // Loopback packets show once, as In; on other interfaces In is a peer connecting here.
    if (direction === 'In' && device !== 'lo') continue;
    const to = splitEndpoint(dst!);
    if (/^Flags \[S\]/.test(rest!)) {
      // Only SYNs from the replica's own addresses, each once (a packet may show on two
      // interfaces): a peer connecting in is not the replica reaching out.
      const from = splitEndpoint(src!).address;
      if (own.length > 0 && !own.includes(from)) continue;
      if (LOOPBACK(to.address) || seen.has(`${src} ${dst}`)) continue;
      seen.add(`${src} ${dst}`);
      out.push({ kind: 'syn', ...to });
      continue;
    }
    // UDP: a DNS question to the resolver (Docker's at 127.0.0.11, NATed to another port).
    if (to.port === 53 || to.address === '127.0.0.11') {
      if (splitEndpoint(src!).port === 53) continue;
      current = { ip6: ip === 'IP6', dns: true, hex: [] };
    }
  }
  flush();
  return out;
}

/** Where everything of the sandbox is: address → service, and every name that resolves inside it. */
export interface SandboxMap {
  addresses: Record<string, string>;
  names: string[];
}

export async function sandboxMap(plan: Plan, engine: Engine): Promise<SandboxMap> {
  const addresses: Record<string, string> = {};
  // Side by side: a sandbox under check holds dozens of containers (each task, its offline
  // copy and capture sidecars), and this map is drawn once per capture.
  const limit = pLimit(8);
  const replicas = (await listReplicas(engine, plan.sandboxId)).filter(
    (r) => r.service !== NETWATCH,
  );
  const details = await Promise.all(
    replicas.map((r) => limit(() => engine.inspectContainer(r.id).catch(() => undefined))),
  );
  replicas.forEach((r, i) => {
    const d = details[i];
    for (const ip of d?.addresses ?? (d?.ipAddress ? [d.ipAddress] : [])) addresses[ip] = r.service;
  });
  const names = new Set<string>();
  for (const s of plan.services) {
    names.add(s.name);
    for (const a of s.aliases) names.add(a);
  }
  for (const r of plan.proxy?.routes ?? []) names.add(r.host);
  return { addresses, names: [...names].map((n) => n.toLowerCase()) };
}

/** Summarises one replica's packets against the sandbox's addresses and names. */
export function summarise(
  replica: string,
  ms: number,
  packets: Packet[],
  map: SandboxMap,
): ReplicaNetwork {
  const connections = new Map<string, Connection>();
  const lookups = new Map<string, Lookup>();
  for (const p of packets) {
    if (p.kind === 'syn') {
      const key = `${p.address}:${p.port}`;
      const c = connections.get(key) ?? {
        address: p.address,
        port: p.port,
        ...(map.addresses[p.address] ? { service: map.addresses[p.address] } : {}),
        attempts: 0,
      };
      c.attempts++;
      connections.set(key, c);
    } else {
      const name = p.name.replace(/\.$/, '');
      // `database` may be asked as `database.<search domain>`: its first label decides.
      const inside = map.names.find(
        (n) => name === n || (name.startsWith(`${n}.`) && !n.includes('.')),
      );
      const l = lookups.get(name) ?? { name, ...(inside ? { sandbox: inside } : {}), queries: 0 };
      l.queries++;
      lookups.set(name, l);
    }
  }
  return { replica, ms, connections: [...connections.values()], lookups: [...lookups.values()] };
}

const NETWATCH = 'netwatch';

/** A running observer: stop() ends the capture and returns what it saw. */
export interface Netwatch {
  replica: string;
  stop(map: SandboxMap): Promise<ReplicaNetwork>;
}

/**
 * Starts a packet capture in the network namespace of a replica (a sidecar container of the
 * runtime image, `--network container:<replica>`, root for the raw socket, labelled with the
 * sandbox so `down` removes it). Nothing is added to the replica itself.
 */
export async function startNetwatch(plan: Plan, engine: Engine, r: Replica): Promise<Netwatch> {
  const started = Date.now();
  const image =
    plan.services.find((s) => s.role === 'proxy')?.image.tag ??
    runtimeImage(imageModeFromEnv()).tag;
  let id: string | undefined;
  let error: string | undefined;
  try {
    id = await engine.createContainer({
      name: `${r.name}-${NETWATCH}`,
      image,
      command: CAPTURE,
      env: {},
      labels: {
        [LABEL.sandbox]: plan.sandboxId,
        [LABEL.version]: VERSION,
        [LABEL.role]: NETWATCH,
        [LABEL.composeProject]: plan.sandboxId,
        [LABEL.composeService]: NETWATCH,
        [LABEL.composeNumber]: String(r.number),
        [LABEL.composeOneoff]: 'True',
      },
      network: plan.network,
      aliases: [],
      publish: [],
      volumes: [],
      memoryBytes: 64 * 1024 * 1024,
      stopTimeoutSeconds: 2,
      shareNetworkOf: r.id,
      user: 'root',
    });
    await engine.startContainer(id);
  } catch (err) {
    error = `the network observer did not start: ${(err as Error).message.split('\n')[0]}`;
  }
  return {
    replica: r.name,
    async stop(map) {
      const ms = Date.now() - started;
      if (!id || error)
        return { replica: r.name, ms, connections: [], lookups: [], error: error ?? 'not started' };
      try {
        await engine.stopContainer(id, 2);
        const lines: string[] = [];
        let exited: string | undefined;
        for await (const l of engine.logs(id, { follow: false })) {
          if (l.stream === 'stdout') lines.push(l.text);
          else if (/error|permission|denied/i.test(l.text)) exited = l.text;
        }
        if (exited && lines.length === 0)
          return { replica: r.name, ms, connections: [], lookups: [], error: `tcpdump: ${exited}` };
        const d = await engine.inspectContainer(r.id).catch(() => undefined);
        const own = d?.addresses ?? (d?.ipAddress ? [d.ipAddress] : []);
        return summarise(r.name, ms, parseCapture(lines, own), map);
      } finally {
        await engine.removeContainer(id, { force: true });
      }
    },
  };
}
