import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ContainerDetails,
  ContainerEvent,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DockerHealth,
  Engine,
  ImageDetails,
  LogLine,
} from '../../sandbox/engine/engine.js';
import { LABEL } from '../../sandbox/labels.js';

/** One container as the in-memory engine keeps it. */
export interface MemoryContainer {
  id: string;
  spec: ContainerSpec;
  state: ContainerState;
  health: DockerHealth;
  exitCode: number;
  created: number;
  networks: Set<string>;
  published: Record<number, number>;
  restartCount: number;
  ip: string;
  logs: string[];
}

/** An engine error with Docker's HTTP status, as dockerode's errors carry it. */
class EngineError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const matches = (labels: Record<string, string>, filter: Record<string, string>) =>
  Object.entries(filter).every(([k, v]) => (v === '' ? k in labels : labels[k] === v));

const summary = (c: MemoryContainer): ContainerSummary => ({
  id: c.id,
  name: c.spec.name,
  labels: c.spec.labels,
  state: c.state,
  created: c.created,
  published: c.published,
});

/**
 * An `Engine` in memory for unit tests of the sandbox operations (up, scale, supervise, down):
 * containers, networks and volumes with their labels, honoured by every list; the states a
 * container moves through (created, running, paused, exited) with Docker's refusals (a name in
 * use, removing a running container without force, removing a network or volume in use); an
 * event stream (start, kill, die, stop, destroy) for the supervisor. Every published port is one
 * HTTP server on 127.0.0.1 that answers 200, so health probes and the edge's admin calls pass
 * while a container runs. `die()` makes a container die as a crash would.
 */
export class MemoryEngine implements Engine {
  readonly endpoint = 'memory://';
  readonly containers = new Map<string, MemoryContainer>();
  readonly networks = new Map<string, { labels: Record<string, string>; internal: boolean }>();
  readonly volumes = new Map<string, Record<string, string>>();
  readonly images = new Map<string, Record<string, string>>();
  /** Every call that changed something, in order: `start app-1`, `remove app-1`… */
  readonly journal: string[] = [];
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private server: Server | undefined;
  private port = 0;
  private nextId = 1;

  /** Starts the 127.0.0.1 server behind every published port. */
  async open(): Promise<this> {
    this.server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.listeners.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  /** The container of a name (tests read their state through it). */
  byName(name: string): MemoryContainer | undefined {
    return [...this.containers.values()].find((c) => c.spec.name === name);
  }

  /** A crash: the container's process dies with `exitCode`, as an OOM kill or a bug would. */
  die(name: string, exitCode = 137): void {
    const c = this.must(this.byName(name)?.id ?? name);
    c.state = 'exited';
    c.exitCode = exitCode;
    this.emit(c, 'die', { exitCode: String(exitCode) });
  }

  info = async () => ({
    serverVersion: 'memory',
    apiVersion: '1.45',
    os: 'linux',
    architecture: 'x86_64',
    cpus: 2,
    memoryBytes: 8 * 2 ** 30,
  });

  imageExists = async (tag: string) => this.images.has(tag) || this.allImages;
  inspectImage = async (tag: string): Promise<ImageDetails> => ({
    id: `sha256:${tag}`,
    architecture: 'amd64',
    os: 'linux',
    sizeBytes: 1,
    exposedPorts: [],
    env: [],
    user: '',
    entrypoint: [],
    cmd: [],
    labels: this.images.get(tag) ?? {},
  });
  pullImage = async (tag: string) => void this.images.set(tag, {});
  buildImage: Engine['buildImage'] = async (build, _progress, _signal, labels) =>
    void this.images.set(build.tag, labels ?? {});
  importImage = async (tag: string) => void this.images.set(tag, {});
  removeImage = async (tag: string) => void this.images.delete(tag);
  saveImage = async (): Promise<NodeJS.ReadableStream> => {
    throw new Error('the in-memory engine keeps no image layers');
  };

  constructor(private readonly allImages = true) {}

  ensureNetwork: Engine['ensureNetwork'] = async (name, labels, options) => {
    if (!this.networks.has(name))
      this.networks.set(name, { labels, internal: Boolean(options?.internal) });
  };
  ensureVolume = async (name: string, labels: Record<string, string>) => {
    if (!this.volumes.has(name)) this.volumes.set(name, labels);
  };
  listNetworks = async (filter: Record<string, string>) =>
    [...this.networks]
      .filter(([, n]) => matches(n.labels, filter))
      .map(([name, n]) => ({ name, labels: n.labels }));
  listVolumes = async (filter: Record<string, string>) =>
    [...this.volumes]
      .filter(([, labels]) => matches(labels, filter))
      .map(([name, labels]) => ({ name, labels }));
  removeNetwork = async (name: string) => {
    if ([...this.containers.values()].some((c) => c.networks.has(name)))
      throw new EngineError(403, `network ${name} has active endpoints`);
    this.networks.delete(name);
  };
  removeVolume = async (name: string) => {
    if ([...this.containers.values()].some((c) => c.spec.volumes.some((v) => v.volume === name)))
      throw new EngineError(409, `volume ${name} is in use`);
    this.volumes.delete(name);
  };

  createContainer = async (spec: ContainerSpec): Promise<string> => {
    if (this.byName(spec.name))
      throw new EngineError(409, `the container name "/${spec.name}" is already in use`);
    if (!(await this.imageExists(spec.image)))
      throw new EngineError(404, `no such image: ${spec.image}`);
    if (!spec.shareNetworkOf && !this.networks.has(spec.network))
      throw new EngineError(404, `network ${spec.network} not found`);
    const id = `c${String(this.nextId++).padStart(11, '0')}`;
    this.containers.set(id, {
      id,
      spec,
      state: 'created',
      health: 'none',
      exitCode: 0,
      created: Math.floor(Date.now() / 1000),
      networks: new Set(spec.shareNetworkOf ? [] : [spec.network]),
      published: {},
      restartCount: 0,
      ip: `10.0.0.${this.nextId}`,
      logs: [],
    });
    this.journal.push(`create ${spec.name}`);
    return id;
  };
  startContainer = async (id: string) => {
    const c = this.must(id);
    c.state = 'running';
    // Docker's own health check passes at once: a test that wants otherwise sets `health`.
    c.health = c.spec.healthcheck ? 'healthy' : 'none';
    c.published = Object.fromEntries(c.spec.publish.map((p) => [p.container, this.port]));
    c.logs.push(`${c.spec.name} started`);
    this.journal.push(`start ${c.spec.name}`);
    this.emit(c, 'start');
    // A one-shot (an initialization task) runs to its end at once.
    const code = this.oneShot(c.spec);
    if (code !== undefined) {
      c.logs.push(...this.oneShotOutput);
      c.state = 'exited';
      c.exitCode = code;
      this.emit(c, 'die', { exitCode: String(code) });
    }
  };
  /**
   * The exit code of a container that ends as soon as it starts, or undefined for one that runs:
   * by default an initialization task's (role `init`) ends with 0. Tests replace it.
   */
  oneShot: (spec: ContainerSpec) => number | undefined = (spec) =>
    spec.labels[LABEL.role] === 'init' ? 0 : undefined;
  /** What a one-shot prints before it ends. */
  oneShotOutput: string[] = [];
  stopContainer = async (id: string) => {
    const c = this.must(id);
    if (c.state !== 'running' && c.state !== 'paused') return;
    this.emit(c, 'kill', { signal: '15' });
    c.state = 'exited';
    c.exitCode = 0;
    this.journal.push(`stop ${c.spec.name}`);
    this.emit(c, 'die', { exitCode: '0' });
    this.emit(c, 'stop');
  };
  killContainer = async (id: string, signal = 'SIGKILL') => {
    const c = this.must(id);
    if (c.state !== 'running' && c.state !== 'paused')
      throw new EngineError(409, `container ${c.spec.name} is not running`);
    this.emit(c, 'kill', { signal: signal === 'SIGKILL' ? '9' : signal });
    c.state = 'exited';
    c.exitCode = 137;
    this.journal.push(`kill ${c.spec.name}`);
    this.emit(c, 'die', { exitCode: '137' });
  };
  pauseContainer = async (id: string) => {
    const c = this.must(id);
    if (c.state !== 'running')
      throw new EngineError(409, `container ${c.spec.name} is not running`);
    c.state = 'paused';
    this.emit(c, 'pause');
  };
  unpauseContainer = async (id: string) => {
    const c = this.must(id);
    if (c.state !== 'paused') throw new EngineError(409, `container ${c.spec.name} is not paused`);
    c.state = 'running';
    this.emit(c, 'unpause');
  };
  restartContainer = async (id: string) => {
    await this.stopContainer(id);
    this.must(id).restartCount++;
    await this.startContainer(id);
  };
  disconnectNetwork = async (network: string, id: string) =>
    void this.must(id).networks.delete(network);
  connectNetwork = async (network: string, id: string) => void this.must(id).networks.add(network);
  removeContainer = async (id: string, options?: { force?: boolean }) => {
    const c = this.must(id);
    if ((c.state === 'running' || c.state === 'paused') && !options?.force)
      throw new EngineError(409, `cannot remove running container ${c.spec.name}: stop it first`);
    if (c.state === 'running' || c.state === 'paused') {
      c.state = 'exited';
      this.emit(c, 'die', { exitCode: '137' });
    }
    this.containers.delete(id);
    this.journal.push(`remove ${c.spec.name}`);
    this.emit(c, 'destroy');
  };

  listContainers = async (filter: Record<string, string>): Promise<ContainerSummary[]> =>
    [...this.containers.values()].filter((c) => matches(c.spec.labels, filter)).map(summary);
  inspectContainer = async (id: string): Promise<ContainerDetails> => {
    const c = this.must(id);
    return {
      ...summary(c),
      health: c.health,
      exitCode: c.exitCode,
      oomKilled: false,
      memoryLimitBytes: c.spec.memoryBytes ?? 8 * 2 ** 30,
      ipAddress: c.ip,
      addresses: [c.ip],
      restartCount: c.restartCount,
    };
  };
  async *logs(id: string): AsyncIterable<LogLine> {
    for (const text of this.must(id).logs) yield { stream: 'stdout', text };
  }
  async *events(
    filter: Record<string, string>,
    signal: AbortSignal,
  ): AsyncIterable<ContainerEvent> {
    const queue: ContainerEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (e: ContainerEvent) => {
      if (!matches(e.labels, filter)) return;
      queue.push(e);
      wake?.();
    };
    this.listeners.add(listener);
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (queue.length === 0) await new Promise<void>((ok) => (wake = ok));
        wake = undefined;
        while (queue.length > 0 && !signal.aborted) yield queue.shift()!;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }
  stats = async (id: string) => ({
    memoryBytes: 64 * 2 ** 20,
    memoryLimitBytes: this.must(id).spec.memoryBytes ?? 8 * 2 ** 30,
    cpuPercent: 1,
  });
  diffContainer = async () => [];
  exec = async () => ({ exitCode: 0, output: [] });
  topContainer = async () => [{ pid: 1, ppid: 0, command: 'node server.mjs' }];

  private must(id: string): MemoryContainer {
    const c = this.containers.get(id);
    if (!c) throw new EngineError(404, `no such container: ${id}`);
    return c;
  }

  private emit(c: MemoryContainer, action: string, extra: Record<string, string> = {}): void {
    const event = {
      action,
      id: c.id,
      name: c.spec.name,
      labels: { ...c.spec.labels, ...extra },
      time: Date.now(),
    };
    for (const l of this.listeners) l(event);
  }
}

/** An in-memory engine with its 127.0.0.1 port open: `await using engine = await memoryEngine()`. */
export function memoryEngine(options: { allImages?: boolean } = {}): Promise<MemoryEngine> {
  return new MemoryEngine(options.allImages ?? true).open();
}
